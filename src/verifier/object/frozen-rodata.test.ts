// Frozen read-only data: the object's bytes with the named variables set,
// and clear errors for a name the object does not have or a value too wide.
import { test } from "node:test";
import assert from "node:assert/strict";
import { frozenBytes, rodataIssues } from "./frozen-rodata.js";
import type { DataSection, ObjectSpec } from "./spec.js";

const rodata: DataSection = {
  name: ".rodata",
  size: 12,
  readonly: true,
  bytes: Buffer.from([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
  variables: [
    { name: "small", offset: 0, size: 4, btfTypeId: undefined },
    { name: "wide", offset: 4, size: 8, btfTypeId: undefined },
  ],
};
const data: DataSection = { ...rodata, name: ".data", readonly: false, variables: [] };
const obj = { fileName: "x.bpf.o", dataSections: [rodata, data] } as unknown as ObjectSpec;

test("frozen bytes keep the object's values and set the named ones little-endian", () => {
  assert.deepEqual([...frozenBytes(rodata, new Map())], [...rodata.bytes]);
  const set = frozenBytes(rodata, new Map([["wide", 0x0102030405060708n]]));
  assert.deepEqual([...set], [1, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1]);
  const negative = frozenBytes(rodata, new Map([["small", -2n]]));
  assert.deepEqual([...negative.subarray(0, 4)], [0xfe, 0xff, 0xff, 0xff]);
});

test("an unknown name or a value wider than its variable is an input error", () => {
  assert.deepEqual(rodataIssues(obj, new Map([["small", 7n]])), []);
  assert.deepEqual(rodataIssues(obj, new Map([["nope", 1n]])), [
    "--rodata nope: x.bpf.o has no read-only variable of that name",
  ]);
  assert.deepEqual(rodataIssues(obj, new Map([["small", 1n << 32n]])), [
    "--rodata small=4294967296: does not fit its 4 bytes",
  ]);
});
