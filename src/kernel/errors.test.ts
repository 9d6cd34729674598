import { test } from "node:test";
import assert from "node:assert/strict";
import { KernelError, errnoName } from "./errors.js";

test("errno numbers map to their names", () => {
  assert.equal(errnoName(1), "EPERM");
  assert.equal(errnoName(2), "ENOENT");
  assert.equal(errnoName(4001), "LIBBPF_ERRNO__FORMAT");
  assert.equal(errnoName(9999), "errno 9999");
});

test("a kernel error names the operation, the errno and libbpf's last word", () => {
  const err = new KernelError({
    op: "load object x.bpf.o",
    errno: 13,
    libbpfMessage: "libbpf: first line\nlibbpf: failed to load object 'x.bpf.o'\n",
  });
  assert.equal(err.message, "load object x.bpf.o: EACCES: failed to load object 'x.bpf.o'");
  assert.equal(err.code, "EACCES");
  assert.equal(err.errno, 13);
  assert.ok(err instanceof Error);
});
