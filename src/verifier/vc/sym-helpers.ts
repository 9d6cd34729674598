// Applies a helper contract to a path: emits an obligation per argument,
// performs the helper's memory effects (output buffers become initialized
// with fresh bytes, a ring buffer reservation creates a region) and sets r0.
// r1-r5 are unreadable afterwards, as in the kernel.
import { assertNever } from "../isa/index.js";
import type { Exec } from "./exec-context.js";
import { HELPERS, MAX_ERRNO, type ArgKind, type HelperContract } from "./helper-contracts.js";
import { checkAccess, checkWritten, clobber, storeValue } from "./sym-memory.js";
import {
  addRegion,
  scalar,
  UNINIT,
  type MapInfo,
  type PathState,
  type SymValue,
} from "./sym-state.js";
import {
  FALSE,
  TRUE,
  add,
  and,
  apply,
  bv,
  eq,
  extract,
  not,
  sext,
  sle,
  variable,
} from "./term-store.js";
import { arraySort, type Term } from "./term.js";
import {
  ancestorCgroupFn,
  clockResult,
  kernelByte,
  consistentLookup,
  reserveFailure,
  stableResult,
  traceHelper,
  traceReserve,
} from "./sym-functional.js";

export function callHelper(x: Exec, s: PathState, pc: number, id: number): void {
  const contract = HELPERS.get(id);
  if (contract === undefined) {
    x.check(s, "unsupported", pc, FALSE, `helper ${id} has no contract`);
    s.regs[0] = scalar(x.fresh(`h${id}`, pc, 64));
  } else {
    const map = contract.args
      .map((kind, i) => checkArg(x, s, pc, contract, kind, i + 1))
      .find((m) => m);
    traceHelper(x, s, pc, id, map);
    s.regs[0] =
      (x.program.functional && functionalResult(x, s, pc, id, map)) ||
      result(x, s, pc, contract, map);
    if (id === 131) traceReserve(x, s, map, s.regs[0]);
  }
  for (let r = 1; r <= 5; r++) s.regs[r] = UNINIT;
}

/** The functional model's result (sym-functional.ts), where it differs from the contract's. */
function functionalResult(
  x: Exec,
  s: PathState,
  pc: number,
  id: number,
  map: MapInfo | undefined,
): SymValue | undefined {
  if (id === 1 && map) return consistentLookup(s, map, argReg(s, 2), pc);
  if (id === 131 && map) {
    const size = constOf(argReg(s, 2)) ?? 0;
    const record = nullable(s, pc, map.name, "ringbuf", size, true, reserveFailure(s, map.name));
    return record;
  }
  if (id === 5) return clockResult(s, pc);
  if (id === 123) return scalar(apply(ancestorCgroupFn, [numericOf(argReg(s, 1))]));
  if (id === 113) readKernelInto(x, s, pc);
  return stableResult(id);
}

const numericOf = (v: SymValue): Term => (v.kind === "scalar" ? v.v : bv(0n, 64));

/** bpf_probe_read_kernel(dst, n, src): dst[i] = kmem8(src + i) (sym-functional.ts). */
function readKernelInto(x: Exec, s: PathState, pc: number): void {
  const [dst, size, src] = [argReg(s, 1), constOf(argReg(s, 2)), argReg(s, 3)];
  if (size === undefined || src.kind !== "scalar" || dst.kind !== "ptr") return;
  for (let i = 0; i < size; i++) {
    const byte = kernelByte(add(src.v, bv(BigInt(i), 64)));
    storeValue(x, s, pc, dst, i, 1, scalar(byte), byte);
  }
}

const argReg = (s: PathState, r: number): SymValue => s.regs[r] ?? UNINIT;
const constOf = (v: SymValue): number | undefined =>
  v.kind === "scalar" && v.v.kind === "bv-const" ? Number(v.v.value) : undefined;

function checkArg(
  x: Exec,
  s: PathState,
  pc: number,
  c: HelperContract,
  kind: ArgKind,
  r: number,
): MapInfo | undefined {
  const v = argReg(s, r);
  const fail = (why: string) => x.check(s, "helper-arg", pc, FALSE, `${c.name} r${r}: ${why}`);
  if (v.kind === "uninit") {
    x.check(s, "uninit-reg", pc, FALSE, `${c.name} reads r${r} before it is written`);
    return undefined;
  }
  const map = argReg(s, 1).kind === "map" ? (argReg(s, 1) as { map: MapInfo }).map : undefined;
  switch (kind) {
    case "scalar":
      return undefined;
    case "map":
    case "ringbuf-map":
      if (v.kind !== "map") fail("expected a map");
      else if (kind === "ringbuf-map" && v.map.kind !== "ringbuf")
        fail(`${v.map.name} is not a ring buffer`);
      return v.kind === "map" ? v.map : undefined;
    case "map-key":
    case "map-value":
      // A helper reads its key or value with a plain copy: unlike a program's own
      // BTF load, a fault there is not turned into 0, so a kernel pointer is refused.
      if (v.kind === "scalar" && v.kernelPtr) fail("a kernel pointer is not a key or value buffer");
      else if (map) readable(x, s, pc, v, kind === "map-key" ? map.keySize : map.valueSize);
      return undefined;
    case "out-buffer":
      writeOut(x, s, pc, v, constOf(argReg(s, r + 1)), fail);
      return undefined;
    case "buffer-size":
    case "alloc-size":
      if (constOf(v) === undefined) fail("expected a constant size");
      return undefined;
    case "ringbuf-record": {
      const ok = v.kind === "ptr" && s.regions[v.region]?.kind === "ringbuf";
      if (!ok) fail("expected a ring buffer record");
      else
        x.check(
          s,
          "helper-arg",
          pc,
          and(v.isNull ? not(v.isNull) : TRUE, eq(v.off, bv(0n, 64))),
          `${c.name}: record may be NULL or offset`,
        );
      return undefined;
    }
    default:
      return assertNever(kind);
  }
}

function readable(x: Exec, s: PathState, pc: number, v: SymValue, size: number): void {
  const at = checkAccess(x, s, pc, v, 0, bv(BigInt(size), 64), false);
  if (at) checkWritten(x, s, pc, at.region, at.off, size, "helper reads unwritten stack bytes");
}

function writeOut(
  x: Exec,
  s: PathState,
  pc: number,
  v: SymValue,
  size: number | undefined,
  fail: (w: string) => void,
): void {
  if (size === undefined) return fail("buffer size is not a constant");
  const at = checkAccess(x, s, pc, v, 0, bv(BigInt(size), 64), true);
  // A size past the region's is already a violation on every path; filling it
  // byte by byte would only hang the verifier (a size of 2^32 - 1).
  const regionSize = at?.region.size.kind === "bv-const" ? at.region.size.value : undefined;
  if (at && (regionSize === undefined || BigInt(size) <= regionSize))
    clobber(x, s, pc, at.region, at.off, size);
}

function result(
  x: Exec,
  s: PathState,
  pc: number,
  c: HelperContract,
  map: MapInfo | undefined,
): SymValue {
  switch (c.result) {
    case "scalar":
      return scalar(x.fresh(c.name, pc, 64));
    case "errno": {
      const v = x.fresh(c.name, pc, 64);
      const int = extract(31, 0, v);
      s.path.push(
        and(eq(v, widenSigned(int)), sle(bv(BigInt(-MAX_ERRNO), 32), int), sle(int, bv(0n, 32))),
      );
      return scalar(v);
    }
    case "map-value-or-null":
      return nullable(
        s,
        pc,
        map?.name ?? "map",
        "map-value",
        map?.valueSize ?? 0,
        true,
        x.freshBool(`null:${map?.name ?? "map"}`, pc),
      );
    case "ringbuf-or-null":
      return nullable(
        s,
        pc,
        "ringbuf record",
        "ringbuf",
        constOf(argReg(s, 2)) ?? 0,
        true,
        x.freshBool("null:ringbuf record", pc),
      );
    case "kernel-ptr":
      return scalar(x.fresh(c.name, pc, 64), true);
    case "void":
      return UNINIT;
    default:
      return assertNever(c.result);
  }
}

const widenSigned = (int: Term): Term => sext(32, int);

function nullable(
  s: PathState,
  pc: number,
  name: string,
  kind: "map-value" | "ringbuf",
  size: number,
  writable: boolean,
  isNull: Term,
): SymValue {
  const tag = `${kind}@${pc}#${s.regions.length}`;
  const region = addRegion(s, {
    tag,
    kind,
    name: `${kind} ${name}`,
    size: bv(BigInt(size), 64),
    bytes: arrayVar(`bytes:${tag}`),
    init: undefined,
    writable,
  });
  return {
    kind: "ptr",
    region: region.id,
    off: bv(0n, 64),
    isNull,
  };
}

/** A symbolic byte array (a region's unknown initial contents). */
export const arrayVar = (name: string): Term => variable(name, arraySort(64, 8));
