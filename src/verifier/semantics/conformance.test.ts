// Runs every bpf_conformance vector (../shared relative to the repository
// root) through the assembler and the interpreter and compares r0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { assemble } from "../isa/asm.js";
import {
  decodeProgram,
  encodeProgram,
  decodeRawProgram,
  type PlacedInsn,
  type RawInsn,
} from "../isa/index.js";
import type { HelperTable } from "./helpers.js";
import { run } from "./run.js";
import { parseVector, type ConformanceVector } from "./conformance-vector.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DIR = `${ROOT}../shared/conformance/bpf_conformance/tests`;

/** uBPF's helper 5 ("unwind"): stops the program when its argument is zero. */
const HELPERS: HelperTable = new Map([
  [
    5,
    (args: readonly bigint[]) =>
      args[0] === 0n ? { kind: "stop", value: 0n } : { kind: "return", value: args[0] ?? 0n },
  ] as const,
]);

function check(name: string, v: ConformanceVector): string | undefined {
  const asm = assemble(v.asm);
  if (!asm.ok) return `assemble: ${asm.errors.map((e) => e.message).join("; ")}`;
  const bytes = encodeProgram(asm.insns);
  const decoded = decodeProgram(bytes);
  if (decoded.issues.length > 0)
    return `decode: ${decoded.issues.map((i) => i.message).join("; ")}`;
  assert.deepEqual(
    decoded.insns.map((p) => p.insn),
    asm.insns,
    `${name}: encode/decode round trip`,
  );
  if (v.raw)
    assert.deepEqual(slotsAsWords(decodeRawProgram(bytes)), v.raw, `${name}: -- raw section`);
  const result = run(decoded.insns as PlacedInsn[], {
    helpers: HELPERS,
    ...(v.mem ? { input: v.mem.slice() } : {}),
  });
  if (v.error !== undefined)
    return result.kind === "fault" ? undefined : `expected error '${v.error}', got r0`;
  if (result.kind === "fault") return result.message;
  if (result.r0 !== v.result)
    return `r0 = 0x${result.r0.toString(16)}, expected 0x${v.result?.toString(16)}`;
  return undefined;
}

const slotsAsWords = (raws: RawInsn[]): bigint[] =>
  raws.map(
    (r) =>
      (BigInt(r.imm >>> 0) << 32n) |
      (BigInt(r.off & 0xffff) << 16n) |
      (BigInt((r.src << 4) | r.dst) << 8n) |
      BigInt(r.opcode),
  );

test("bpf_conformance vectors all pass", () => {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith(".data"))
    .sort();
  const failures: string[] = [];
  for (const f of files) {
    const why = check(f, parseVector(readFileSync(`${DIR}/${f}`, "utf8")));
    if (why !== undefined) failures.push(`${f}: ${why}`);
  }
  console.log(`conformance: ${files.length - failures.length}/${files.length} passed`);
  assert.equal(files.length, 313, "the suite has 313 vectors");
  assert.deepEqual(failures, []);
});
