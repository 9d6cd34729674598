import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { allObjects, fixtureObject, tool } from "../elf/test-support.js";
import { parseReadelf } from "../elf/readelf-output.js";
import { readObject } from "./read-object.js";
import type { ObjectSpec } from "./spec.js";

function mustRead(path: string): ObjectSpec {
  const r = readObject(readFileSync(path), basename(path));
  if (r.kind === "error") assert.fail(r.issues.map((i) => i.message).join("\n"));
  return r.value;
}

/** struct sizes from bpftool's raw dump: "[11] STRUCT 'rec' size=24 vlen=5". */
function bpftoolStructSize(path: string, name: string): number {
  const m = new RegExp(`^\\[\\d+\\] STRUCT '${name}' size=(\\d+)`, "m").exec(
    tool("bpftool", ["btf", "dump", "file", path]),
  );
  return Number(m?.[1]);
}

/** Instruction bytes per function from `llvm-objdump -d`. */
function objdumpBytes(path: string): Map<string, string> {
  const out = new Map<string, string>();
  let fn = "";
  for (const line of tool("llvm-objdump-19", ["-d", path]).split("\n")) {
    const f = /^[0-9a-f]{16} <(.+)>:$/.exec(line);
    if (f?.[1] !== undefined) out.set((fn = f[1]), "");
    const i = /^\s+\d+:\t((?:[0-9a-f]{2} ?)+)\t/.exec(line);
    if (i?.[1] !== undefined && fn !== "")
      out.set(fn, `${out.get(fn) ?? ""}${i[1].replaceAll(" ", "")}`);
  }
  return out;
}

for (const path of allObjects()) {
  test(`object ${basename(path)}: programs are the global functions outside .text, with llvm-objdump's bytes`, () => {
    const spec = mustRead(path);
    const elf = parseReadelf(tool("llvm-readelf-19", ["-S", "-s", path]));
    const exec = new Map(
      elf.sections.filter((s) => s.flags.includes("X")).map((s) => [String(s.index), s.name]),
    );
    const want = elf.symbols.filter(
      (s) =>
        s.type === "FUNC" && s.bind === "GLOBAL" && exec.has(s.ndx) && exec.get(s.ndx) !== ".text",
    );
    assert.deepEqual(
      spec.programs.map((p) => `${p.section}:${p.name}`).sort(),
      want.map((s) => `${exec.get(s.ndx) ?? ""}:${s.name}`).sort(),
    );
    const bytes = objdumpBytes(path);
    for (const f of [...spec.programs, ...spec.subprograms]) {
      assert.equal(f.instructions.toString("hex"), bytes.get(f.name), f.name);
      assert.equal(f.insnCount * 8, f.instructions.length);
    }
    assert.equal(JSON.stringify(mustRead(path)), JSON.stringify(spec), "deterministic");
  });
}

test("object relocs.bpf.c: BTF-defined maps decode to type, sizes, entries and flags", () => {
  const path = fixtureObject("relocs");
  const spec = mustRead(path);
  const maps = Object.fromEntries(
    spec.maps.map((m) => [m.name, [m.typeName, m.keySize, m.valueSize, m.maxEntries, m.flags]]),
  );
  const recSize = bpftoolStructSize(path, "rec");
  assert.ok(recSize > 0);
  assert.deepEqual(maps, {
    recs: ["BPF_MAP_TYPE_HASH", 4, recSize, 128, 1],
    counters: ["BPF_MAP_TYPE_ARRAY", 4, 4, 4, 0].map((x, i) => (i === 2 ? 8 : x)),
    events: ["BPF_MAP_TYPE_RINGBUF", 0, 0, 4096, 0],
    sized: ["BPF_MAP_TYPE_PERCPU_ARRAY", 4, 24, 2, 0],
  });
  assert.equal(spec.license, "Dual BSD/GPL");
});

test("object relocs.bpf.c: program relocations resolve to maps, globals, subprograms and externs", () => {
  const spec = mustRead(fixtureObject("relocs"));
  const prog = spec.programs.find((p) => p.name === "use_all");
  assert.ok(prog);
  assert.deepEqual(
    [prog.progType, prog.attachType, prog.attachTarget],
    ["BPF_PROG_TYPE_LSM", "BPF_LSM_MAC", "file_open"],
  );
  const describe = prog.relocations.map((r) => {
    const t = r.target;
    switch (t.kind) {
      case "map":
        return `map ${t.map}`;
      case "global":
        return `global ${t.section} ${t.variable ?? "-"}`;
      case "subprogram":
        return `call ${t.function ?? "?"}`;
      case "kconfig":
      case "ksym":
      case "extern":
        return `${t.kind} ${t.name}`;
      case "other":
        return `other ${t.symbol}`;
    }
  });
  assert.deepEqual(describe.sort(), [
    "call helper_global",
    "call helper_static",
    "global .bss zeroed",
    "global .rodata use_all.____fmt",
    "global .rodata.str1.1 -",
    "kconfig LINUX_KERNEL_VERSION",
    "ksym bpf_prog_active",
    "map counters",
    "map events",
    "map recs",
  ]);
  for (const r of prog.relocations) assert.ok(r.insnIndex >= 0 && r.insnIndex < prog.insnCount);
  // The call to helper_static sits on the source line that makes it.
  const call = prog.relocations.find(
    (r) => r.target.kind === "subprogram" && r.target.function === "helper_static",
  );
  assert.ok(call);
  const at = [...prog.lines].reverse().find((l) => l.insnIndex <= call.insnIndex);
  assert.match(at?.text ?? "", /helper_static\(/);
  const sub = spec.subprograms.map((s) => s.name).sort();
  assert.deepEqual(sub, ["helper_global", "helper_static"]);
  const rodata = spec.dataSections.find((d) => d.name === ".rodata");
  assert.deepEqual(
    rodata?.variables.map((v) => v.name),
    ["limit", "use_all.____fmt"],
  );
  assert.equal(rodata?.bytes.readUInt32LE(0), 7);
  assert.equal(spec.dataSections.find((d) => d.name === ".bss")?.bytes.length, 0);
});

test("object file_guard: the LSM program, its maps with BTF key types, and audit_only rodata", () => {
  const path = allObjects().find((p) => basename(p) === "file_guard.bpf.o");
  assert.ok(path);
  const spec = mustRead(path);
  const prog = spec.programs.find((p) => p.name === "pw_file_open");
  assert.ok(prog);
  assert.deepEqual([prog.progType, prog.attachTarget], ["BPF_PROG_TYPE_LSM", "file_open"]);
  const files = spec.maps.find((m) => m.name === "pw_protected_files");
  assert.equal(files?.keySize, bpftoolStructSize(path, "pw_file_key"));
  assert.ok(spec.dataSections.some((d) => d.variables.some((v) => v.name === "audit_only")));
  assert.ok(prog.relocations.some((r) => r.target.kind === "map" && r.target.map === "pw_events"));
});

test("object: bad input is an error result", () => {
  const b = readFileSync(fixtureObject("relocs"));
  const cut = readObject(b.subarray(0, 100), "cut.o");
  assert.equal(cut.kind, "error");
  const bad = Buffer.from(b);
  bad.writeUInt16LE(3, 18);
  const r = readObject(bad, "bad.o");
  assert.deepEqual(r.kind === "error" ? [r.issues[0]?.code, r.issues[0]?.field] : [], [
    "bad-machine",
    "e_machine",
  ]);
});
