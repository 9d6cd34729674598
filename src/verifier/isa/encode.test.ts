import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeInsn, decodeProgram } from "./decode.js";
import { encodeInsn, encodeProgram } from "./encode.js";
import { sampleInsns } from "./sample-insns.js";
import type { RawInsn } from "./raw.js";

test("every sample instruction form survives encode → decode", () => {
  const samples = sampleInsns();
  assert.ok(samples.length > 150, `expected many forms, got ${samples.length}`);
  for (const insn of samples) {
    const raws = encodeInsn(insn);
    const back = decodeInsn(raws[0] as RawInsn, raws[1]);
    assert.ok("insn" in back, `${JSON.stringify(insn)} failed: ${JSON.stringify(back)}`);
    assert.deepEqual(back.insn, insn);
  }
});

test("a whole program round-trips through bytes with consistent pcs", () => {
  const samples = sampleInsns();
  const bytes = encodeProgram(samples);
  const decoded = decodeProgram(bytes);
  assert.deepEqual(decoded.issues, []);
  assert.deepEqual(
    decoded.insns.map((p) => p.insn),
    samples,
  );
  const lastPc = decoded.insns.at(-1)?.pc ?? -1;
  assert.equal(lastPc + 2, bytes.length / 8, "last sample is an lddw occupying two slots");
});

test("every opcode byte either decodes and re-encodes identically or is reported", () => {
  let valid = 0;
  const fields: Omit<RawInsn, "opcode">[] = [
    { dst: 1, src: 2, off: 0, imm: 0 },
    { dst: 1, src: 0, off: 0, imm: 16 },
    { dst: 3, src: 0, off: 1, imm: -7 },
    { dst: 0, src: 1, off: 8, imm: 0 },
    { dst: 0, src: 0, off: -4, imm: 0x41 },
    { dst: 0, src: 0, off: 0, imm: 0 },
  ];
  for (let opcode = 0; opcode < 256; opcode++) {
    for (const f of fields) {
      const raw: RawInsn = { opcode, ...f };
      const next: RawInsn = { opcode: 0, dst: 0, src: 0, off: 0, imm: 5 };
      const result = decodeInsn(raw, next);
      if ("problem" in result) {
        assert.match(result.problem.detail, /\S/);
        continue;
      }
      valid++;
      const again = encodeInsn(result.insn);
      assert.deepEqual(again[0], raw, `opcode 0x${opcode.toString(16)}`);
    }
  }
  assert.ok(valid > 150 && valid < 256 * fields.length, `valid encodings: ${valid}`);
});
