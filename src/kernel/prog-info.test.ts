// The bpf_prog_info offsets the binding reads must be the running kernel's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { findMember, findType, readBtf } from "../verifier/btf/index.js";
import { PROG_INFO_LAYOUT } from "./prog-info.js";

test("struct bpf_prog_info offsets match the kernel's BTF", () => {
  const parsed = readBtf(readFileSync("/sys/kernel/btf/vmlinux"));
  if (parsed.kind !== "ok") throw new Error(parsed.issues.map((i) => i.message).join("; "));
  const btf = parsed.value;
  const info = findType(btf, "bpf_prog_info", "struct");
  assert.ok(info);
  const id = btf.types.indexOf(info);
  for (const [field, offset] of Object.entries(PROG_INFO_LAYOUT)) {
    assert.equal(findMember(btf, id, field)?.bitOffset, offset * 8, field);
  }
});
