// Splits the CFG into functions: the program entry plus every bpf-to-bpf call
// target. Each function owns the blocks reachable from its entry without
// following calls; a block owned twice, a function reached from nowhere and
// a recursive call chain are issues (the kernel rejects all three).
import {
  cfgIssue,
  successors,
  type BlockId,
  type CallSite,
  type Cfg,
  type CfgIssue,
  type Func,
} from "./cfg.js";
import { reachable, reversePostorder } from "./order.js";
import { addressTaken, branchTarget } from "./build-cfg.js";

export function buildFunctions(
  cfg: Cfg,
  callTargetPcs: readonly number[],
  issues: CfgIssue[],
): Func[] {
  if (cfg.blocks.length === 0) return [];
  const entries = [
    0,
    ...callTargetPcs.map((pc) => cfg.blockAt.get(pc) ?? 0).filter((b) => b !== 0),
  ];
  const owner = new Map<BlockId, number>();
  const functions = entries.map((entry, index) => {
    const blocks = reversePostorder(entry, (b) => successors(cfg, b));
    for (const b of blocks) {
      const other = owner.get(b);
      if (other === undefined) owner.set(b, index);
      else
        issues.push(
          cfgIssue(
            "shared-block",
            cfg.blocks[b]?.start ?? 0,
            `block is part of functions ${other} and ${index}`,
          ),
        );
    }
    return { entry, blocks, calls: callSites(cfg, blocks) };
  });
  checkCallGraph(cfg, functions, issues);
  return functions;
}

function callSites(cfg: Cfg, blocks: readonly BlockId[]): CallSite[] {
  const sites: CallSite[] = [];
  for (const b of blocks) {
    for (const p of cfg.blocks[b]?.insns ?? []) {
      const target = p.insn.kind === "call" ? branchTarget(p) : undefined;
      const callee = target === undefined ? undefined : cfg.blockAt.get(target);
      if (callee !== undefined) sites.push({ pc: p.pc, block: b, callee });
    }
  }
  return sites;
}

/** Call-graph successors of function `f`, as function indices. */
export function callees(functions: readonly Func[], f: number): number[] {
  const byEntry = new Map(functions.map((fn, i) => [fn.entry, i]));
  return [...new Set((functions[f]?.calls ?? []).map((c) => byEntry.get(c.callee) ?? 0))];
}

/** Functions whose address live code takes (callbacks): live like called ones. */
function callbackFunctions(cfg: Cfg, functions: readonly Func[], f: number): number[] {
  const byEntry = new Map(functions.map((fn, i) => [fn.entry, i]));
  return (functions[f]?.blocks ?? [])
    .flatMap((b) => cfg.blocks[b]?.insns ?? [])
    .map((p) => addressTaken(p))
    .map((pc) => (pc === undefined ? undefined : byEntry.get(cfg.blockAt.get(pc) ?? -1)))
    .filter((g): g is number => g !== undefined);
}

function checkCallGraph(cfg: Cfg, functions: readonly Func[], issues: CfgIssue[]): void {
  const live = reachable(0, (f) => [
    ...callees(functions, f),
    ...callbackFunctions(cfg, functions, f),
  ]);
  const liveBlocks = new Set([...live].flatMap((f) => functions[f]?.blocks ?? []));
  for (const b of cfg.blocks)
    if (!liveBlocks.has(b.id))
      issues.push(cfgIssue("unreachable", b.start, "instruction is unreachable"));
  const cycle = findCallCycle(functions);
  if (cycle !== undefined)
    issues.push(
      cfgIssue(
        "recursion",
        cfg.blocks[functions[cycle]?.entry ?? 0]?.start ?? 0,
        "recursive bpf-to-bpf call",
      ),
    );
}

/** A function on a call-graph cycle, if any (colours: 1 on the DFS stack, 2 done). */
function findCallCycle(functions: readonly Func[]): number | undefined {
  const colour = new Map<number, number>();
  const visit = (f: number): number | undefined => {
    colour.set(f, 1);
    for (const g of callees(functions, f)) {
      if (colour.get(g) === 1) return g;
      if (colour.get(g) === undefined) {
        const found = visit(g);
        if (found !== undefined) return found;
      }
    }
    colour.set(f, 2);
    return undefined;
  };
  for (let f = 0; f < functions.length; f++) {
    if (colour.get(f) !== undefined) continue;
    const found = visit(f);
    if (found !== undefined) return found;
  }
  return undefined;
}
