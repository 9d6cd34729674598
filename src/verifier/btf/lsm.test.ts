import { test } from "node:test";
import assert from "node:assert/strict";
import { tool } from "../elf/test-support.js";
import { findType } from "./lookup.js";
import { findMember } from "./members.js";
import { lsmHook } from "./lsm.js";
import { sizeOf } from "./sizeof.js";
import { VMLINUX, vmlinuxBtf } from "./test-support.js";

/** bpftool's raw dump of vmlinux, indexed by id: the type line and its member/param lines. */
function bpftoolTypes(): Map<number, string[]> {
  const out = new Map<number, string[]>();
  let cur: string[] = [];
  for (const line of tool("bpftool", ["btf", "dump", "file", VMLINUX]).split("\n")) {
    const m = /^\[(\d+)\] /.exec(line);
    if (m) out.set(Number(m[1]), (cur = [line]));
    else cur.push(line);
  }
  return out;
}

const dump = bpftoolTypes();
const idOf = (re: RegExp): number => {
  for (const [id, lines] of dump) if (re.test(lines[0] ?? "")) return id;
  return assert.fail(`bpftool has no ${re}`);
};

test("lsm: file_open parameters match bpftool's bpf_lsm_file_open prototype", () => {
  const hook = lsmHook(vmlinuxBtf(), "file_open");
  assert.ok(hook);
  const funcLine = dump.get(idOf(/ FUNC 'bpf_lsm_file_open' /))?.[0] ?? "";
  const protoId = Number(/type_id=(\d+)/.exec(funcLine)?.[1]);
  const params = (dump.get(protoId) ?? [])
    .slice(1)
    .map((l) => /^\t'(.*)' type_id=(\d+)$/.exec(l))
    .map((m) => ({ name: m?.[1], type: Number(m?.[2]) }));
  assert.deepEqual(
    hook.params.map((p) => ({ name: p.name, type: p.type })),
    params,
  );
  assert.deepEqual(
    hook.params.map((p) => p.typeName),
    ["struct file *"],
  );
  assert.equal(hook.signature, "int bpf_lsm_file_open(struct file *file)");
  assert.equal(lsmHook(vmlinuxBtf(), "no_such_hook"), undefined);
});

test("members: struct file f_inode offset matches bpftool; sizeof matches struct size", () => {
  const btf = vmlinuxBtf();
  const file = findType(btf, "file", "struct");
  assert.ok(file);
  const line = (dump.get(file.id) ?? []).find((l) => l.startsWith("\t'f_inode' "));
  const want = Number(/bits_offset=(\d+)/.exec(line ?? "")?.[1]);
  assert.equal(findMember(btf, file.id, "f_inode")?.bitOffset, want);
  assert.equal(sizeOf(btf, file.id), Number(/size=(\d+)/.exec(dump.get(file.id)?.[0] ?? "")?.[1]));
  const inode = findType(btf, "inode", "struct");
  assert.ok(inode);
  const ino = (dump.get(inode.id) ?? []).find((l) => l.startsWith("\t'i_ino' "));
  const path = findMember(btf, file.id, "f_inode");
  assert.ok(path);
  assert.equal(
    findMember(btf, inode.id, "i_ino")?.bitOffset,
    Number(/bits_offset=(\d+)/.exec(ino ?? "")?.[1]),
  );
  assert.equal(findMember(btf, file.id, "no_such_member"), undefined);
});
