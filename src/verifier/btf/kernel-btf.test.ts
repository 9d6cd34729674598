import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bpfObjectPath } from "../../paths.js";
import { findSection, readElf, sectionBytes } from "../elf/index.js";
import { findType } from "./lookup.js";
import {
  RUNNING_KERNEL_BTF,
  kernelBtf,
  kernelBtfBytes,
  kernelBtfIdentity,
  readKernelBtf,
  useKernelBtf,
} from "./kernel-btf.js";

const object = bpfObjectPath("file_guard");

test("an ELF file gives its .BTF section; a raw BTF file is read as it is", () => {
  const elf = readElf(readFileSync(object));
  assert.equal(elf.kind, "ok");
  if (elf.kind !== "ok") return;
  const section = findSection(elf.value, ".BTF");
  assert.ok(section);
  const raw = sectionBytes(elf.value, section);
  assert.ok(kernelBtfBytes(object).equals(raw));
  const dir = mkdtempSync(join(tmpdir(), "pw-kbtf-"));
  try {
    const file = join(dir, "vmlinux.btf");
    writeFileSync(file, raw);
    const btf = readKernelBtf(file);
    assert.ok(findType(btf, "pw_file_open", "func") !== undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a file that is neither names itself and what is wrong", () => {
  assert.throws(
    () => readKernelBtf("/nonexistent/vmlinux"),
    /kernel btf \/nonexistent\/vmlinux: ENOENT/,
  );
  assert.throws(() => readKernelBtf(join(process.cwd(), "package.json")), /package\.json: .*magic/);
});

test("useKernelBtf switches the BTF of every later proof and its identity", () => {
  useKernelBtf(object);
  try {
    const id = kernelBtfIdentity();
    assert.equal(id?.source, object);
    assert.match(id?.sha256 ?? "", /^[0-9a-f]{64}$/);
    assert.ok(kernelBtf() !== undefined);
  } finally {
    if (existsSync(RUNNING_KERNEL_BTF)) useKernelBtf(RUNNING_KERNEL_BTF);
  }
});
