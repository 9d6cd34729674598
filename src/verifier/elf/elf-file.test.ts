import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readElf, type ElfFile } from "./elf-file.js";
import { parseReadelf } from "./readelf-output.js";
import type { ElfSymbol } from "./symbol.js";
import { allObjects, fixtureObject, tool } from "./test-support.js";

function mustRead(path: string): ElfFile {
  const r = readElf(readFileSync(path));
  if (r.kind === "error") assert.fail(r.issues.map((i) => i.message).join("\n"));
  return r.value;
}

function ndx(s: ElfSymbol): string {
  if (s.sectionIndex === 0) return "UND";
  if (s.sectionIndex === 0xfff1) return "ABS";
  if (s.sectionIndex === 0xfff2) return "COM";
  return String(s.sectionIndex);
}

for (const path of allObjects()) {
  const name = path.split("/").pop() ?? path;
  test(`elf ${name}: sections, symbols and relocations match llvm-readelf`, () => {
    const elf = mustRead(path);
    const want = parseReadelf(tool("llvm-readelf-19", ["-S", "-s", "-r", path]));
    assert.ok(
      want.sections.length > 5 && want.symbols.length > 3 && want.relocations.length > 0,
      "readelf output parsed",
    );
    assert.deepEqual(
      elf.sections.map((s) => ({
        index: s.index,
        name: s.name,
        type: s.typeName,
        offset: s.offset,
        size: s.size,
        entsize: s.entsize,
        flags: s.flagLetters,
        link: s.link,
        info: s.info,
        align: s.addralign,
      })),
      want.sections,
    );
    assert.deepEqual(
      elf.symbols.map((s) => ({
        index: s.index,
        value: s.value,
        size: s.size,
        type: s.type.toUpperCase(),
        bind: s.binding.toUpperCase(),
        vis: s.visibility.toUpperCase(),
        ndx: ndx(s),
        name: s.name,
      })),
      want.symbols,
    );
    const got = elf.relocationSections.flatMap((rs) =>
      rs.relocations.map((r) => ({
        section: rs.name,
        offset: r.offset,
        type: r.type,
        symbolValue: r.symbol.value,
        symbolName: r.symbol.name,
      })),
    );
    assert.deepEqual(got, want.relocations);
  });
}

const good = (): Buffer => Buffer.from(readFileSync(fixtureObject("relocs")));

function issueOf(bytes: Buffer): { code: string; field: string; offset: number; message: string } {
  const r = readElf(bytes);
  assert.equal(r.kind, "error");
  const first = r.kind === "error" ? r.issues[0] : undefined;
  assert.ok(first);
  return first;
}

test("elf: wrong machine is reported with field and offset", () => {
  const b = good();
  b.writeUInt16LE(62, 18);
  const i = issueOf(b);
  assert.deepEqual([i.code, i.field, i.offset], ["bad-machine", "e_machine", 18]);
  assert.match(i.message, /^read elf: e_machine .*62.*247/);
});

test("elf: bad magic, class, endianness and file type", () => {
  const cases: [number, number, string, string][] = [
    [1, 0x46, "bad-magic", "e_ident[EI_MAG]"],
    [4, 1, "bad-class", "e_ident[EI_CLASS]"],
    [5, 2, "bad-endianness", "e_ident[EI_DATA]"],
    [16, 2, "bad-file-type", "e_type"],
  ];
  for (const [off, value, code, field] of cases) {
    const b = good();
    b.writeUInt8(value, off);
    const i = issueOf(b);
    assert.deepEqual([i.code, i.field], [code, field]);
  }
});

test("elf: out-of-range section name offset", () => {
  const b = good();
  const shoff = Number(b.readBigUInt64LE(40));
  b.writeUInt32LE(0xfffffff0, shoff + 64 * 2);
  const i = issueOf(b);
  assert.deepEqual(
    [i.code, i.field, i.offset],
    ["bad-string", "sections[2].sh_name", shoff + 64 * 2],
  );
});

test("elf: relocation naming a missing symbol", () => {
  const b = good();
  const elf = mustRead(fixtureObject("relocs"));
  const rel = elf.sections.find((s) => s.name === ".rel.text");
  assert.ok(rel);
  b.writeUInt32LE(100000, rel.offset + 12);
  const i = issueOf(b);
  assert.equal(i.code, "bad-index");
  assert.equal(i.offset, rel.offset + 12);
});

test("elf: every truncation is an issue, never a crash", () => {
  const b = good();
  const cuts = [0, 3, 15, 40, 63, 64, 200, b.length >> 1, b.length - 1];
  for (const cut of cuts) {
    const r = readElf(b.subarray(0, cut));
    assert.equal(r.kind, "error", `cut at ${cut}`);
    if (r.kind === "error")
      assert.equal(r.issues[0]?.code, "truncated", `cut at ${cut}: ${r.issues[0]?.message}`);
  }
});

test("elf: random byte corruption never throws", () => {
  const base = good();
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 300; round++) {
    const b = Buffer.from(base);
    for (let k = 0; k < 4; k++) b[rand(b.length)] = rand(256);
    assert.doesNotThrow(() => readElf(b));
  }
});
