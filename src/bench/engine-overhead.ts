// What the enforcement engine costs: open+close, TCP connect and fork+exec
// loops with no Proofwall, and with every enforce_* program attached under a
// 10-rule and two 100,000-rule policies. Every policy holds rules on the
// workloads' own file, destination and binary for another user, so each hook
// looks its request up and finds entries that do not match (the allow falls
// to the default, the costliest path short of a deny). Each is written once,
// as one generation; a condition selects its generation with the engine's
// own 4-byte switch, so no map is rewritten between rounds.
import { realpathSync } from "node:fs";
import { compilePolicy } from "../compile/index.js";
import type { MapImage } from "../compile/image.js";
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

/**
 * The 10-rule policy's rules over generated ones, up to `count`. "mixed"
 * names users, login users, groups, cgroups and executables, so a request has
 * more candidate subject keys to look up than under the 10-rule policy;
 * "per-user" names users only, the 10-rule policy's one subject shape, so
 * only the number of entries differs.
 */
function largePolicy(small: Policy, count: number, shape: "mixed" | "per-user"): Policy {
  const generated = scalePolicy(count - small.rules.length, shape);
  const rules = [...small.rules, ...generated.rules].map((r, index) => ({ ...r, index }));
  return { ...small, name: `bench-${count}-${shape}`, rules };
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

/** Room for `entries`, at least the engine's defaults. */
const room = (entries: number, min: number) =>
  Math.max(min, 2 ** Math.ceil(Math.log2(entries + 1024)));

/** An engine sized for `images`, each written as one generation (two at most). */
function loadEngine(images: readonly MapImage[]): { engine: Engine; gens: number[] } {
  const sum = (f: (i: MapImage) => number) => images.reduce((n, i) => n + f(i), 0);
  const engine = Engine.load({
    maxRules: room(
      sum((i) => i.rules.length),
      1 << 18,
    ),
    maxObjects: room(
      sum((i) => i.objects.length),
      1 << 16,
    ),
  });
  try {
    return { engine, gens: images.map((image) => engine.apply(image)) };
  } catch (err) {
    void engine[Symbol.asyncDispose]();
    throw err;
  }
}

/**
 * No Proofwall, the 10-rule policy, the 100,000-rule mixed policy and the
 * 100,000-rule policy of the 10-rule one's subject shape: the last two tell
 * the cost of more entries from the cost of more subject shapes.
 */
export async function measureEngineOverhead(
  rounds: number,
  largeRules: number,
  log: (s: string) => void,
): Promise<OverheadRow[]> {
  const { file, workloads } = standardWorkloads();
  const small = policyOf(workloadRules(file, 10));
  log(`compiling the ${largeRules}-rule policies`);
  const smallImage = compilePolicy(small);
  const mixed = compilePolicy(largePolicy(small, largeRules, "mixed"));
  const perUser = compilePolicy(largePolicy(small, largeRules, "per-user"));
  log(
    `writing the policies (${[smallImage, mixed, perUser].map((i) => i.rules.length).join(", ")} rule entries)`,
  );
  const a = loadEngine([smallImage, mixed]);
  await using first = a.engine;
  const b = loadEngine([perUser]);
  await using second = b.engine;
  return await measureOverhead(
    workloads,
    [
      BASELINE,
      underGeneration("engine, 10 rules", first, a.gens[0] ?? 0),
      underGeneration(`engine, ${largeRules} rules`, first, a.gens[1] ?? 0),
      underGeneration(`${largeRules} rules, users only`, second, b.gens[0] ?? 0),
    ],
    rounds,
    log,
  );
}
