// Compares our decoder + printer with llvm-objdump-19 on the same bytes:
// (1) one instance of every instruction form, assembled from `.byte` lines,
// (2) the C programs in test-data/ built with -mcpu=v4, (3) build/bpf/*.bpf.o.
// The `<sym+off>` branch annotations are stripped from LLVM's text. For the
// 32-bit atomics (opcode 0xc3) the reference is `--mattr=+alu32`, since plain
// `-d` prints `<unknown>` or drops the fetch bit for them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeProgram } from "./decode.js";
import { disasm } from "./disasm.js";
import { encodeProgram } from "./encode.js";
import { parseListing, stripTarget, type ListingLine } from "./objdump-listing.js";
import { sampleInsns } from "./sample-insns.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TEST_DATA = join(ROOT, "src/verifier/test-data");
const ATOMIC32 = 0xc3;

const objdump = (obj: string, alu32: boolean): ListingLine[] =>
  parseListing(
    execFileSync("llvm-objdump-19", ["-d", ...(alu32 ? ["--mattr=+alu32"] : []), obj], {
      encoding: "utf8",
    }),
  );

/** Compares every instruction line of an object; returns [matched, total, mismatches]. */
function compareObject(obj: string): [number, number, string[]] {
  const plain = objdump(obj, false);
  const alu32 = objdump(obj, true);
  assert.equal(plain.length, alu32.length);
  const bad: string[] = [];
  plain.forEach((line, i) => {
    const expected = stripTarget((line.bytes[0] === ATOMIC32 ? alu32[i] : line)?.text ?? "");
    const decoded = decodeProgram(line.bytes);
    const insn = decoded.insns[0]?.insn;
    const ours =
      decoded.issues.length === 0 && insn ? disasm(insn) : `<issue ${decoded.issues[0]?.code}>`;
    if (ours !== expected)
      bad.push(`${obj} ${line.section}:${line.slot}: ours '${ours}' llvm '${expected}'`);
  });
  return [plain.length - bad.length, plain.length, bad];
}

const tmp = mkdtempSync(join(tmpdir(), "pw-disasm-"));

test("every instruction form prints as llvm-objdump-19 prints it", () => {
  const bytes = encodeProgram(sampleInsns());
  const lines = Array.from(
    { length: bytes.length / 8 },
    (_, i) => `.byte ${[...bytes.subarray(i * 8, i * 8 + 8)].join(", ")}`,
  );
  const src = join(tmp, "forms.s");
  writeFileSync(src, `.text\n.globl forms\nforms:\n${lines.join("\n")}\n`);
  execFileSync("clang-19", ["-target", "bpf", "-c", src, "-o", join(tmp, "forms.o")]);
  const [matched, total, bad] = compareObject(join(tmp, "forms.o"));
  console.log(`disasm forms: ${matched}/${total} instructions match llvm-objdump-19`);
  assert.deepEqual(bad, []);
  assert.equal(total, sampleInsns().length);
});

test("compiled programs disassemble exactly as llvm-objdump-19 does", () => {
  const objects: string[] = [];
  for (const c of readdirSync(TEST_DATA).filter((f) => f.endsWith(".bpf.c"))) {
    const out = join(tmp, c.replace(/\.c$/, ".o"));
    execFileSync("clang-19", [
      "-O2",
      "-g",
      "-target",
      "bpf",
      "-mcpu=v4",
      "-c",
      join(TEST_DATA, c),
      "-o",
      out,
    ]);
    objects.push(out);
  }
  const built = join(ROOT, "build/bpf");
  if (existsSync(built))
    objects.push(
      ...readdirSync(built)
        .filter((f) => f.endsWith(".bpf.o"))
        .map((f) => join(built, f)),
    );
  assert.ok(objects.length >= 2, "at least one test-data program and one project object");
  let matched = 0;
  let total = 0;
  const bad: string[] = [];
  for (const obj of objects) {
    const [m, t, b] = compareObject(obj);
    matched += m;
    total += t;
    bad.push(...b);
  }
  console.log(
    `disasm objects: ${matched}/${total} instructions match llvm-objdump-19 (${objects.length} objects)`,
  );
  assert.deepEqual(bad.slice(0, 20), []);
  assert.ok(total > 100);
});
