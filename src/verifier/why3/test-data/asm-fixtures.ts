// The safe and unsafe assembly programs of smt/prove.test.ts (kept inline
// there), restated here so the Why3 agreement test runs the same programs:
// each unsafe one with its expected refuted obligation, each fixed one safe.
import type { ProgramContext } from "../../vc/index.js";

export interface AsmFixture {
  readonly name: string;
  readonly source: string;
  readonly over: Partial<ProgramContext>;
  /** the obligations both routes must refute; empty for a safe program */
  readonly refuted: readonly string[];
}

const stackWrite = (mask: string) =>
  `ldxw %r2, [%r1+0]\nand %r2, ${mask}\nmov %r3, %r10\nsub %r3, %r2\nstb [%r3-1], 7\nmov %r0, 0\nexit`;

const lookup = (checked: boolean) =>
  `stdw [%r10-8], 0\nlddw %r1, 0\nmov %r2, %r10\nadd %r2, -8\ncall 1\n${checked ? "jeq %r0, 0, out\n" : ""}ldxw %r3, [%r0+0]\nout:\nmov %r0, 0\nexit`;

const lsm = (value: number) =>
  `ldxdw %r2, [%r1+0]\nmov %r0, 0\njgt %r2, 10, +1\nmov %r0, ${value}\nexit`;

const division = (guarded: boolean) =>
  `ldxw %r2, [%r1+0]\nmov %r0, 100\n${guarded ? "jeq %r2, 0, +1\n" : ""}div %r0, %r2\nexit`;

const LSM = { kind: "lsm" as const, ctxSize: 8 };
const loop = "ldxw %r2, [%r1+0]\nmov %r0, 0\nl:\nadd %r0, 1\njlt %r0, %r2, l\nexit";

export const ASM_FIXTURES: readonly AsmFixture[] = [
  {
    name: "stack-oob",
    source: stackWrite("0x3ff"),
    over: { ctxSize: 4 },
    refuted: ["stack-bounds@4"],
  },
  { name: "stack-ok", source: stackWrite("0x1ff"), over: { ctxSize: 4 }, refuted: [] },
  { name: "lookup-unchecked", source: lookup(false), over: {}, refuted: ["null-check@6"] },
  { name: "lookup-checked", source: lookup(true), over: {}, refuted: [] },
  { name: "lsm-return-1", source: lsm(1), over: LSM, refuted: ["return-range@4"] },
  { name: "lsm-return-eperm", source: lsm(-1), over: LSM, refuted: [] },
  { name: "lsm-return-maxerrno", source: lsm(-4095), over: LSM, refuted: [] },
  {
    name: "div-unguarded",
    source: division(false),
    over: { ctxSize: 4 },
    refuted: ["div-by-zero@2"],
  },
  { name: "div-guarded", source: division(true), over: { ctxSize: 4 }, refuted: [] },
  { name: "uninit-reg", source: "mov %r0, %r3\nexit", over: {}, refuted: ["uninit-reg@0"] },
  {
    name: "uninit-stack",
    source: "ldxdw %r0, [%r10-8]\nexit",
    over: {},
    refuted: ["stack-init@0"],
  },
  {
    name: "half-init-stack",
    source: "stw [%r10-8], 1\nldxdw %r0, [%r10-8]\nexit",
    over: {},
    refuted: ["stack-init@1"],
  },
  {
    name: "ctx-oob",
    source: "ldxb %r0, [%r1+4]\nexit",
    over: { ctxSize: 4 },
    refuted: ["ctx-bounds@0"],
  },
  {
    name: "unbounded-loop",
    source: loop,
    over: { ctxSize: 4, unroll: 3 },
    refuted: ["loop-bound@2"],
  },
  {
    name: "bounded-loop",
    source:
      "mov %r0, 0\nmov %r2, 0\nl:\nstb [%r10-1], 1\nadd %r2, 1\njlt %r2, 10, l\nldxb %r0, [%r10-1]\nexit",
    over: { unroll: 10 },
    refuted: [],
  },
];
