import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { findSection, sectionBytes } from "../elf/elf-file.js";
import { allObjects, fixtureObject, tool } from "../elf/test-support.js";
import type { Btf } from "./btf.js";
import { readBtfExt, type BtfExt } from "./ext.js";
import { lineAt } from "./line-info.js";
import { objectBtf, objectElf } from "./test-support.js";

function readExt(path: string): { ext: BtfExt; btf: Btf; extBytes: Buffer } {
  const elf = objectElf(path);
  const sec = findSection(elf, ".BTF.ext");
  assert.ok(sec, ".BTF.ext section");
  const btf = objectBtf(path);
  const extBytes = sectionBytes(elf, sec);
  const ext = readBtfExt(extBytes, btf);
  if (ext.kind === "error") assert.fail(ext.issues.map((i) => i.message).join("\n"));
  return { ext: ext.value, btf, extBytes };
}

/** (section, instruction index) -> "file:line" from `llvm-objdump -d -l`, i.e. from DWARF. */
function dwarfLines(path: string): Map<string, string> {
  const out = new Map<string, string>();
  let section = "";
  let loc = "";
  for (const line of tool("llvm-objdump-19", ["-d", "-l", "--no-show-raw-insn", path]).split(
    "\n",
  )) {
    const sec = /^Disassembly of section (.+):$/.exec(line);
    if (sec?.[1] !== undefined) [section, loc] = [sec[1], ""];
    const src = /^; (\/.*):(\d+)$/.exec(line);
    if (src) loc = `${basename(src[1] ?? "")}:${src[2] ?? ""}`;
    const insn = /^\s+(\d+):\t/.exec(line);
    if (insn) out.set(`${section}@${insn[1] ?? ""}`, loc);
  }
  return out;
}

for (const path of allObjects()) {
  test(`btf.ext ${basename(path)}: line_info agrees with DWARF (llvm-objdump -l) and the source text`, () => {
    const { ext, btf } = readExt(path);
    const dwarf = dwarfLines(path);
    const funcStarts = new Map(
      ext.funcInfo.flatMap((s) =>
        s.records.map(
          (r) => [`${s.section}@${r.insnOff}`, btf.types[r.typeId]?.name ?? ""] as const,
        ),
      ),
    );
    let checked = 0;
    for (const sec of ext.lineInfo) {
      for (const r of sec.records) {
        const src = readFileSync(r.fileName, "utf8").split("\n")[r.line - 1];
        assert.equal(r.lineText.trim(), src?.trim());
        assert.ok(r.column <= (src?.length ?? 0) + 1);
        checked++;
        // clang gives a function's first instruction its declaration line in BTF, where DWARF may already have the body's.
        const fn = funcStarts.get(`${sec.section}@${r.insnOff}`);
        if (fn !== undefined && r.lineText.includes(`${fn}(`)) continue;
        const where = `${sec.section}@${r.insnOff / 8}`;
        assert.equal(`${basename(r.fileName)}:${r.line}`, dwarf.get(where), where);
      }
    }
    assert.ok(checked > 3, `checked ${checked} records`);
  });

  test(`btf.ext ${basename(path)}: func_info names every function symbol at its offset`, () => {
    const { ext, btf } = readExt(path);
    const elf = objectElf(path);
    const fromExt = ext.funcInfo
      .flatMap((s) =>
        s.records.map((r) => `${s.section}:${r.insnOff}:${btf.types[r.typeId]?.name ?? "?"}`),
      )
      .sort();
    const fromSyms = elf.symbols
      .filter((s) => s.type === "func")
      .map((s) => `${s.section ?? ""}:${s.value}:${s.name}`)
      .sort();
    assert.deepEqual(fromExt, fromSyms);
  });
}

test("btf.ext: lineAt covers an instruction with the nearest preceding record", () => {
  const { ext } = readExt(fixtureObject("relocs"));
  const sec = ext.lineInfo.find((s) => s.section === "lsm/file_open");
  assert.ok(sec && sec.records.length > 2);
  const [a, b] = [sec.records[1], sec.records[2]];
  assert.ok(a && b);
  assert.equal(lineAt(ext, "lsm/file_open", a.insnOff)?.line, a.line);
  if (b.insnOff - a.insnOff > 8)
    assert.equal(lineAt(ext, "lsm/file_open", b.insnOff - 8)?.line, a.line);
  assert.equal(lineAt(ext, "no-such-section", 0), undefined);
});

test("btf.ext: co-re relocations of file_guard name real types and access strings", () => {
  const obj = allObjects().find((p) => basename(p) === "file_guard.bpf.o");
  assert.ok(obj);
  const { ext, btf } = readExt(obj);
  const relos = ext.coreRelos.flatMap((s) => s.records);
  assert.ok(relos.length > 0);
  for (const r of relos) {
    assert.match(r.accessStr, /^\d+(:\d+)*$/);
    assert.notEqual(btf.types[r.typeId]?.kind, undefined);
  }
  assert.ok(relos.some((r) => btf.types[r.typeId]?.name === "file"));
});

test("btf.ext: bad magic and out-of-range string offsets are issues", () => {
  const { btf, extBytes } = readExt(fixtureObject("relocs"));
  const badMagic = Buffer.from(extBytes);
  badMagic.writeUInt16LE(0, 0);
  const r1 = readBtfExt(badMagic, btf);
  assert.deepEqual(r1.kind === "error" ? [r1.issues[0]?.code, r1.issues[0]?.field] : [], [
    "bad-magic",
    "magic",
  ]);
  const badName = Buffer.from(extBytes);
  const hdrLen = badName.readUInt32LE(4);
  const lineStart = hdrLen + badName.readUInt32LE(16);
  badName.writeUInt32LE(0xffffff, lineStart + 4);
  const r2 = readBtfExt(badName, btf);
  assert.deepEqual(
    r2.kind === "error" ? [r2.issues[0]?.code, r2.issues[0]?.field, r2.issues[0]?.offset] : [],
    ["bad-string", "line_info.sec_name_off", lineStart + 4],
  );
  assert.equal(readBtfExt(extBytes.subarray(0, extBytes.length - 5), btf).kind, "error");
});
