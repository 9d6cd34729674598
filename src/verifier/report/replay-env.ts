// The concrete world a counterexample describes, for the interpreter: lddw of
// a map yields a handle, lddw of a global section a region holding the
// model's bytes, and every helper with a contract returns what the model
// says (NULL or a fresh region for lookups and reservations, the model's
// scalar otherwise) and writes the model's bytes into output buffers.
import type { LinkedProgram } from "../cfg/index.js";
import type { MapSpec, ObjectSpec } from "../object/index.js";
import type { Helper, Memory } from "../semantics/index.js";
import { addRegion, locate, store } from "../semantics/index.js";
import { HELPERS, type HelperContract } from "../vc/index.js";
import type { ModelInputs } from "./model-inputs.js";

/** Map handles live far outside every region, so dereferencing one faults. */
const MAP_HANDLE_BASE = 0xffff_8000_0000_0000n;

export interface ReplayWorld {
  readonly helpers: ReadonlyMap<number, Helper>;
  readonly resolveLddw: (memory: Memory) => bigint | undefined;
  readonly isMapHandle: (v: bigint) => boolean;
  readonly mapOf: (handle: bigint) => MapSpec | undefined;
  /** out-buffer writes by helpers, so the shadow init tracking can mark them */
  readonly written: { addr: bigint; size: number }[];
}

export function replayWorld(
  obj: ObjectSpec,
  linked: LinkedProgram,
  inputs: ModelInputs,
  pcOf: () => number,
): ReplayWorld {
  const globals = new Map<string, bigint>();
  const written: { addr: bigint; size: number }[] = [];
  const mapAt = (handle: bigint) => obj.maps[Number(handle - MAP_HANDLE_BASE)];
  const resolveLddw = (memory: Memory) => {
    const target = linked.lddwTargets.get(pcOf());
    if (target?.kind === "map") {
      const i = obj.maps.findIndex((x) => x.name === target.map);
      return i < 0 ? undefined : MAP_HANDLE_BASE + BigInt(i);
    }
    if (target?.kind !== "global") return undefined;
    let base = globals.get(target.section);
    if (base === undefined) {
      const size = obj.dataSections.find((d) => d.name === target.section)?.size ?? 0;
      const bytes = fill(size, inputs.nextArray(`global:${target.section}`));
      base = addRegion(memory, { name: target.section, kind: "other", bytes }).base;
      globals.set(target.section, base);
    }
    return base + BigInt(target.offset);
  };
  const helpers = new Map<number, Helper>();
  for (const c of HELPERS.values())
    helpers.set(c.id, (args, env) => {
      const pc = pcOf();
      switch (c.result) {
        case "map-value-or-null": {
          const map = mapAt(args[0] ?? 0n);
          return nullable(env.memory, inputs, `null:${map?.name ?? "map"}@${pc}`, {
            tag: `map-value@${pc}`,
            size: map?.valueSize ?? 0,
          });
        }
        case "ringbuf-or-null":
          return nullable(env.memory, inputs, `null:ringbuf record@${pc}`, {
            tag: `ringbuf@${pc}`,
            size: Number(args[1] ?? 0n),
          });
        default:
          writeOut(c, args, env.memory, inputs, pc, written);
          return { kind: "return", value: scalarResult(inputs, `${c.name}@${pc}`) };
      }
    });
  return {
    helpers,
    resolveLddw,
    isMapHandle: (v) => v >= MAP_HANDLE_BASE && v < MAP_HANDLE_BASE + BigInt(obj.maps.length),
    mapOf: (v) => (v >= MAP_HANDLE_BASE ? mapAt(v) : undefined),
    written,
  };
}

function fill(size: number, cells: ReadonlyMap<bigint, bigint>): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => Number(cells.get(BigInt(i)) ?? 0n));
}

function scalarResult(inputs: ModelInputs, prefix: string): bigint {
  const v = inputs.next(prefix);
  return typeof v === "bigint" ? v : 0n;
}

function nullable(
  memory: Memory,
  inputs: ModelInputs,
  nullName: string,
  region: { tag: string; size: number },
) {
  const isNull = inputs.next(nullName) === true;
  const bytes = fill(region.size, inputs.nextArray(region.tag));
  if (isNull) return { kind: "return" as const, value: 0n };
  const r = addRegion(memory, { name: region.tag, kind: "map-value", bytes });
  return { kind: "return" as const, value: r.base };
}

/** Output buffers (arg n with its size in arg n+1) receive the model's `out@pc` bytes. */
function writeOut(
  c: HelperContract,
  args: readonly bigint[],
  memory: Memory,
  inputs: ModelInputs,
  pc: number,
  written: { addr: bigint; size: number }[],
): void {
  const at = c.args.indexOf("out-buffer");
  if (at < 0) return;
  const addr = args[at] ?? 0n;
  const size = Number(args[at + 1] ?? 0n);
  if (!locate(memory, addr, size).ok) return;
  for (let i = 0; i < size; i++) {
    const v = inputs.next(`out@${pc}`);
    store(memory, addr + BigInt(i), 1, typeof v === "bigint" ? v : 0n);
  }
  written.push({ addr, size });
}
