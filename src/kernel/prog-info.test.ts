// The bpf_prog_info offsets the binding reads must be the running kernel's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { findMember, findType, readBtf } from "../verifier/btf/index.js";
import { PROG_INFO_LAYOUT } from "./prog-info.js";
import { OBJECT_INFO_LAYOUT } from "./object-id.js";

function kernelBtf() {
  const parsed = readBtf(readFileSync("/sys/kernel/btf/vmlinux"));
  if (parsed.kind !== "ok") throw new Error(parsed.issues.map((i) => i.message).join("; "));
  return parsed.value;
}

function bitOffsetOf(struct: string, field: string): number | undefined {
  const btf = kernelBtf();
  const info = findType(btf, struct, "struct");
  assert.ok(info, struct);
  return findMember(btf, btf.types.indexOf(info), field)?.bitOffset;
}

test("struct bpf_prog_info offsets match the kernel's BTF", () => {
  for (const [field, offset] of Object.entries(PROG_INFO_LAYOUT))
    assert.equal(bitOffsetOf("bpf_prog_info", field), offset * 8, field);
});

test("struct bpf_link_info and bpf_map_info offsets match the kernel's BTF", () => {
  assert.equal(bitOffsetOf("bpf_link_info", "id"), OBJECT_INFO_LAYOUT.id * 8);
  assert.equal(bitOffsetOf("bpf_map_info", "id"), OBJECT_INFO_LAYOUT.id * 8);
  assert.equal(bitOffsetOf("bpf_link_info", "prog_id"), OBJECT_INFO_LAYOUT.link_prog_id * 8);
});
