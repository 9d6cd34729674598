// Replays a counterexample in the concrete interpreter (semantics/): the
// model's context bytes, helper results and map contents drive a real run,
// and the obligation counts as shown only when the run exhibits the failure
// at the obligation's instruction: a memory fault there, a zero divisor, an
// out-of-range return value, an unwritten register or stack byte read, a
// loop head entered too often, or (for checks that fail on every execution
// of the path, e.g. a wrong helper argument kind) the instruction reached.
// Anything else is "not replayed" and never reported as a real bug.
import type { LinkedProgram } from "../cfg/index.js";
import { disasm, type Insn, type PlacedInsn } from "../isa/index.js";
import type { ObjectSpec } from "../object/index.js";
import { createMachine, locate, signed, type Machine, type RunResult } from "../semantics/index.js";
import { step } from "../semantics/step.js";
import { FALSE, MAX_ERRNO, type Assignment, type Obligation } from "../vc/index.js";
import { failingCase, modelInputs, type InputValue, type ModelInputs } from "./model-inputs.js";
import { replayWorld, type ReplayWorld } from "./replay-env.js";
import { callbackReturnWitness, isBpfLoopCall, loopContextWitness } from "./replay-bpf-loop.js";
import { callbackInputs, FrameVisits, frameChange, frameMark } from "./replay-frames.js";
import { Shadow } from "./replay-shadow.js";
import type { SourceMap } from "./source-map.js";

export interface TraceStep {
  readonly pc: number;
  readonly text: string;
  /** the C source line of the instruction, when line info covers it */
  readonly line: number | undefined;
}

export type Replay =
  | { readonly kind: "confirmed"; readonly witness: string; readonly trace: readonly TraceStep[] }
  | {
      readonly kind: "not-replayed";
      readonly reason: string;
      readonly trace: readonly TraceStep[];
    };

export interface Counterexample {
  readonly inputs: readonly InputValue[];
  readonly replay: Replay;
}

export interface ReplaySetup {
  readonly obj: ObjectSpec;
  readonly linked: LinkedProgram;
  readonly ctxSize: number;
  readonly lsm: boolean;
  readonly unroll: number;
  readonly where: SourceMap;
}

const MAX_STEPS = 200_000;

export function counterexample(
  setup: ReplaySetup,
  ob: Obligation,
  model: Assignment,
): Counterexample {
  const failing = failingCase(ob, model);
  if (failing === undefined)
    return {
      inputs: [],
      replay: {
        kind: "not-replayed",
        reason: "the model breaks no single path of the obligation",
        trace: [],
      },
    };
  const inputs = modelInputs(model, failing, setup.ctxSize);
  return { inputs: inputs.listing(), replay: replay(setup, ob, inputs) };
}

function replay(setup: ReplaySetup, ob: Obligation, inputs: ModelInputs): Replay {
  // The helpers need the pc of the call, and the machine needs the helpers.
  const current: { machine?: Machine } = {};
  const world = replayWorld(setup.obj, setup.linked, inputs, () => current.machine?.pc ?? 0);
  const m = createMachine(setup.linked.insns, {
    input: inputs.ctx,
    helpers: world.helpers,
    resolveLddw: (_src, _imm, _next, memory) => world.resolveLddw(memory),
    maxSteps: MAX_STEPS,
  });
  current.machine = m;
  const code = new Map(setup.linked.insns.map((p) => [p.pc, p]));
  const trace: TraceStep[] = [];
  const shadow = new Shadow(m);
  const visits = new FrameVisits();
  const rewindInputs = callbackInputs(inputs);
  const staticCheck = inputs.failing.safe === FALSE;
  for (;;) {
    const p = code.get(m.pc);
    if (p === undefined) return notReplayed(`the run left the program at slot ${m.pc}`, trace);
    trace.push({ pc: p.pc, text: disasm(p.insn), line: setup.where(p.pc)?.line });
    visits.visit(p.pc);
    if (p.pc === ob.pc) {
      const w = witnessBefore(setup, ob, p, m, world, shadow, visits, staticCheck);
      if (w !== undefined) return { kind: "confirmed", witness: w, trace };
    }
    const before = shadow.beforeStep(p.insn);
    const mark = frameMark(m);
    const r = relocatedLddw(setup, p, m, world) ? undefined : step(m);
    const change = frameChange(mark, m);
    shadow.afterStep(p.insn, before, world, change);
    visits.follow(change);
    rewindInputs(change);
    if (r === undefined) continue;
    const done = settle(setup, ob, p, m, r, trace, inputs);
    if (done !== undefined) return done;
  }
}

/** A fault or exit: decides the replay, or resumes after an emulated kernel load. */
function settle(
  setup: ReplaySetup,
  ob: Obligation,
  p: PlacedInsn,
  m: Machine,
  r: RunResult,
  trace: TraceStep[],
  inputs: ModelInputs,
): Replay | undefined {
  if (r.kind === "exit")
    return notReplayed(`the run exited (r0 = ${signed(r.r0, 32)}) without the failure`, trace);
  if (r.pc === ob.pc && r.code === "memory" && MEMORY_KINDS.has(ob.kind))
    return { kind: "confirmed", witness: r.message, trace };
  if (setup.lsm && r.code === "memory" && p.insn.kind === "load") {
    m.regs[p.insn.dst] = kernelLoad(p.insn, m, inputs);
    m.pc += 1;
    return undefined;
  }
  return notReplayed(`the run stopped at insn ${r.pc} instead: ${r.message}`, trace);
}

/**
 * A load through a BTF pointer: the value the model gives the executor's
 * uninterpreted kmemN at that address, else 0 (what the kernel reads when
 * such a load faults).
 */
function kernelLoad(
  insn: Extract<Insn, { kind: "load" }>,
  m: Machine,
  inputs: ModelInputs,
): bigint {
  const addr = BigInt.asUintN(64, (m.regs[insn.src] ?? 0n) + BigInt(insn.off));
  const bits = insn.size * 8;
  const v = inputs.model.applications?.get(`kmem${bits}(${addr})`) ?? 0n;
  return insn.signed ? BigInt.asUintN(64, BigInt.asIntN(bits, v)) : v;
}

/** Map and global lddw slots hold 0 until libbpf relocates them; the replay does it here. */
function relocatedLddw(setup: ReplaySetup, p: PlacedInsn, m: Machine, world: ReplayWorld): boolean {
  if (p.insn.kind !== "lddw" || !setup.linked.lddwTargets.has(p.pc)) return false;
  const v = world.resolveLddw(m.memory);
  if (v === undefined) return false;
  m.regs[p.insn.dst] = v;
  m.pc += 2;
  m.steps += 1;
  return true;
}

const MEMORY_KINDS = new Set([
  "stack-bounds",
  "ctx-bounds",
  "mem-bounds",
  "null-check",
  "bad-pointer",
]);

const notReplayed = (reason: string, trace: TraceStep[]): Replay => ({
  kind: "not-replayed",
  reason,
  trace,
});

function witnessBefore(
  setup: ReplaySetup,
  ob: Obligation,
  p: PlacedInsn,
  m: Machine,
  world: ReplayWorld,
  shadow: Shadow,
  visits: FrameVisits,
  staticCheck: boolean,
): string | undefined {
  const insn = p.insn;
  const r = (n: number) => m.regs[n] ?? 0n;
  switch (ob.kind) {
    case "uninit-reg":
      return shadow.unwrittenRead(insn);
    case "stack-init":
      return shadow.unwrittenStackRead(insn, world);
    case "div-by-zero":
      if (insn.kind === "alu" && insn.src.kind === "reg") {
        const d = insn.width === 32 ? r(insn.src.reg) & 0xffffffffn : r(insn.src.reg);
        return d === 0n ? `r${insn.src.reg} is 0 at the ${insn.op}` : undefined;
      }
      return undefined;
    case "return-range": {
      if (m.frames.length > 0) return callbackReturnWitness(insn, m);
      if (insn.kind !== "exit") return undefined;
      const ret = signed(r(0) & 0xffffffffn, 32);
      return ret > 0n || ret < BigInt(-MAX_ERRNO) ? `the program returns ${ret}` : undefined;
    }
    case "loop-bound":
      return visits.count(p.pc) > setup.unroll + 1
        ? `the loop head is entered ${visits.count(p.pc)} times (limit ${setup.unroll + 1})`
        : undefined;
    case "ctx-write":
      return storeTarget(insn, m)?.kind === "ctx"
        ? "a store into the read-only context"
        : undefined;
    case "null-check":
      return insn.kind === "alu" && r(insn.dst) === 0n
        ? `arithmetic on r${insn.dst} = NULL`
        : undefined;
    case "helper-arg":
      return helperArg(insn, m, world, staticCheck);
    case "unsupported":
    case "bad-pointer":
    case "shift-range":
    case "pointer-arith":
      return staticCheck ? `reached: ${disasm(insn)} (fails on every run of this path)` : undefined;
    case "stack-bounds":
    case "ctx-bounds":
    case "mem-bounds":
      return helperMemory(insn, m, world);
    case "functional":
      // Replay inputs follow the safety model's names; a functional model's are not mapped yet.
      return undefined;
    default:
      return ob.kind satisfies never;
  }
}

function storeTarget(insn: Insn, m: Machine) {
  if (insn.kind !== "store" && insn.kind !== "store-imm" && insn.kind !== "atomic")
    return undefined;
  const addr = BigInt.asUintN(64, (m.regs[insn.dst] ?? 0n) + BigInt(insn.off));
  const at = locate(m.memory, addr, insn.size);
  return at.ok ? at.value.region : undefined;
}

/** A helper's key, value or output buffer that does not lie inside one region. */
function helperMemory(insn: Insn, m: Machine, world: ReplayWorld): string | undefined {
  if (insn.kind !== "call" || insn.target.kind !== "helper") return undefined;
  const reg = (n: number) => m.regs[n] ?? 0n;
  const map = world.mapOf(reg(1));
  const buffers: [string, bigint, number][] = [];
  const id = insn.target.id;
  if (map && [1, 2, 3].includes(id)) buffers.push(["map key", reg(2), map.keySize]);
  if (map && id === 2) buffers.push(["map value", reg(3), map.valueSize]);
  if (id === 16 || id === 113) buffers.push(["output buffer", reg(1), Number(reg(2))]);
  for (const [what, addr, size] of buffers)
    if (!locate(m.memory, addr, size).ok)
      return `the ${what} of ${size} bytes at 0x${addr.toString(16)} is outside every region`;
  return undefined;
}

function helperArg(insn: Insn, m: Machine, world: ReplayWorld, staticCheck: boolean) {
  if (insn.kind !== "call") return undefined;
  if (staticCheck) return `reached: ${disasm(insn)} with an argument of the wrong kind`;
  if (isBpfLoopCall(insn)) return loopContextWitness(m);
  const r1 = m.regs[1] ?? 0n;
  if (r1 === 0n) return "r1 is NULL at the call";
  const at = locate(m.memory, r1, 1);
  if (!at.ok || at.value.offset !== 0 || world.isMapHandle(r1))
    return `r1 = 0x${r1.toString(16)} is not the start of a record`;
  return undefined;
}
