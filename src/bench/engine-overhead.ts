// What the enforcement engine costs: open+close, TCP connect and fork+exec
// loops with no Proofwall, and with every enforce_* program attached under a
// 10-rule and a 100,000-rule policy. Both policies hold rules on the
// workloads' own file, destination and binary for another user, so each hook
// looks its request up and finds entries that do not match (the allow falls
// to the default, the costliest path short of a deny). Both are written once,
// one per generation; a condition selects its generation with the engine's
// own 4-byte switch, so no map is rewritten between rounds.
import { realpathSync } from "node:fs";
import { compilePolicy } from "../compile/index.js";
import { Engine } from "../enforce/engine.js";
import { activate } from "../enforce/generations.js";
import { networkRule, user } from "../enforce/net-support.js";
import { filesRule, policyOf } from "../enforce/test-support.js";
import { fileKeyOf } from "../identity/file.js";
import type { Policy, Rule } from "../policy/model.js";
import {
  BASELINE,
  measureOverhead,
  standardWorkloads,
  type Condition,
  type OverheadRow,
} from "./overhead.js";
import { scalePolicy } from "./policy-scale.js";

/** The user the rules name: not the benchmark's own (root). */
const OTHER_UID = 4242;
/** What bench/workload.c execs. */
const EXECUTED = "/bin/true";

/** Rules on the workloads' file, destination and binary, and filler up to `count`. */
function workloadRules(file: string, count: number): Omit<Rule, "index">[] {
  const other = [user(OTHER_UID)];
  const exe = realpathSync(EXECUTED);
  const own: Omit<Rule, "index">[] = [
    filesRule("file", "deny", [file], { operations: ["read", "write"], subjects: other }),
    networkRule("loopback", "deny", ["127.0.0.0/8"], { subjects: other }),
    {
      id: "exec",
      action: "deny",
      subjects: other,
      resource: {
        kind: "exec",
        targets: [{ path: exe, key: fileKeyOf(exe), tree: false }],
        memfd: false,
        anonymousMemory: false,
      },
    },
  ];
  const filler = Array.from({ length: count - own.length }, (_, i) =>
    filesRule(`filler-${i}`, "deny", [file], {
      operations: ["write"],
      subjects: [user(OTHER_UID + 1 + i)],
    }),
  );
  return [...own, ...filler];
}

/** The 10-rule policy's rules over the generated 100,000-rule policy's. */
function largePolicy(small: Policy, count: number): Policy {
  const generated = scalePolicy(count - small.rules.length, "mixed");
  const rules = [...small.rules, ...generated.rules].map((r, index) => ({ ...r, index }));
  return { ...small, name: `bench-${count}`, rules };
}

function underGeneration(name: string, engine: Engine, gen: number): Condition {
  return {
    name,
    enter() {
      activate(engine.maps, gen);
      engine.attach();
      return { stats: () => engine.runStats(), exit: () => engine.detach() };
    },
  };
}

/** Room for both generations of `entries`, at least the engine's defaults. */
const room = (entries: number, min: number) =>
  Math.max(min, 2 ** Math.ceil(Math.log2(entries + 1024)));

export async function measureEngineOverhead(
  rounds: number,
  largeRules: number,
  log: (s: string) => void,
): Promise<OverheadRow[]> {
  const { file, workloads, server } = await standardWorkloads();
  try {
    const small = policyOf(workloadRules(file, 10));
    log(`compiling the ${largeRules}-rule policy`);
    const images = [compilePolicy(small), compilePolicy(largePolicy(small, largeRules))] as const;
    const rules = images[0].rules.length + images[1].rules.length;
    const objects = images[0].objects.length + images[1].objects.length;
    await using engine = Engine.load({
      maxRules: room(rules, 1 << 18),
      maxObjects: room(objects, 1 << 16),
    });
    log(`writing both generations (${rules} rule and ${objects} object entries)`);
    const gens = images.map((image) => engine.apply(image));
    return await measureOverhead(
      workloads,
      [
        BASELINE,
        underGeneration("engine, 10 rules", engine, gens[0] ?? 0),
        underGeneration(`engine, ${largeRules} rules`, engine, gens[1] ?? 0),
      ],
      rounds,
      log,
    );
  } finally {
    server.close(); // also on a failed compile or load, or the process never exits
  }
}
