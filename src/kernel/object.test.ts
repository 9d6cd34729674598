// Error paths of the binding that need no BPF privileges: they must raise a
// KernelError with the operation, errno name and libbpf's message, never crash.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BpfObject, BpfMap, KernelError } from "./index.js";
import { bpfObjectPath } from "../paths.js";

function expectKernelError(fn: () => unknown, code: string, op: RegExp): KernelError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof KernelError, `expected KernelError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, op);
    return err;
  }
  assert.fail("expected the call to throw");
}

test("opening a missing object fails with ENOENT and the path", () => {
  expectKernelError(
    () => BpfObject.open("/nonexistent/x.bpf.o"),
    "ENOENT",
    /^open object \/nonexistent\/x\.bpf\.o: ENOENT/,
  );
});

test("opening a file that is not ELF fails with libbpf's explanation", () => {
  const dir = mkdtempSync(join(tmpdir(), "pw-"));
  const path = join(dir, "junk.o");
  writeFileSync(path, "this is not an ELF file");
  const err = expectKernelError(
    () => BpfObject.open(path),
    "LIBBPF_ERRNO__FORMAT",
    /^open object .*junk\.o: LIBBPF_ERRNO__FORMAT/,
  );
  assert.match(err.libbpfMessage ?? "", /elf/i);
});

const spec = { name: "pw_test", type: 1, keySize: 4, valueSize: 8, maxEntries: 4 };

test("map operations on a bad descriptor report EBADF with the map name", () => {
  const map = new BpfMap(-1, spec, false);
  expectKernelError(() => map.lookup(Buffer.alloc(4)), "EBADF", /^lookup in map pw_test: EBADF/);
  expectKernelError(
    () => map.update(Buffer.alloc(4), Buffer.alloc(8)),
    "EBADF",
    /^update map pw_test/,
  );
  expectKernelError(() => map.freeze(), "EBADF", /^freeze map pw_test/);
  expectKernelError(() => [...map.keys()], "EBADF", /^iterate map pw_test/);
});

test("wrong key and value sizes are refused before any syscall", () => {
  const map = new BpfMap(-1, spec, false);
  expectKernelError(() => map.lookup(Buffer.alloc(3)), "EINVAL", /key is 3 bytes, map wants 4/);
  expectKernelError(
    () => map.update(Buffer.alloc(4), Buffer.alloc(7)),
    "EINVAL",
    /value is 7 bytes, map wants 8/,
  );
});

test("opening a pin that does not exist reports ENOENT", () => {
  expectKernelError(
    () => BpfMap.openPinned("/sys/fs/bpf/proofwall-no-such-pin"),
    "ENOENT",
    /open pinned map/,
  );
});

test("a skipped program is left out of programs(); an unknown name is refused", () => {
  using obj = BpfObject.open(bpfObjectPath("file_guard"));
  const [first, ...rest] = obj.programs().map((p) => p.name);
  assert.ok(first, "file_guard has a program");
  obj.skipProgram(first);
  assert.deepEqual(
    obj.programs().map((p) => p.name),
    rest,
  );
  expectKernelError(() => obj.skipProgram("pw_no_such_program"), "ENOENT", /find program/);
});
