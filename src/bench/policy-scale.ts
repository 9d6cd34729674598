// Large checked policies for the policy-check benchmark, built directly as
// the checker's output (no YAML): a directory forest, pools of users,
// groups, cgroups and executables, and rules drawn over them. "mixed" draws
// every rule independently (few rules share a shape); "per-user" is the
// regular shape of generated policies (one user, one file, read+write);
// "network" is network rules only, over a nested address plan
// (policy-scale-net.ts).
import type { FileKey } from "../abi/file-key.js";
import { prng, type Rng } from "../compile/random-world.js";
import {
  EVERYONE,
  type Action,
  type FileTarget,
  type Identity,
  type Placement,
  type Policy,
  type Rule,
  type Subject,
} from "../policy/model.js";
import { FILE_OPERATIONS, RESOURCE_KEYS } from "../policy/schema-resources.js";
import { networkRule } from "./policy-scale-net.js";

export type ScaleShape = "mixed" | "per-user" | "network";

interface Pools {
  readonly files: readonly FileKey[];
  readonly dirs: readonly FileKey[];
  readonly cgroups: readonly Placement[];
  readonly exes: readonly FileKey[];
}

function pools(rules: number): Pools {
  const files = Array.from({ length: Math.max(4, rules) }, (_, i) => ({
    dev: 1,
    ino: 1_000_000n + BigInt(i),
  }));
  const dirs = Array.from({ length: Math.max(2, Math.ceil(rules / 20)) }, (_, i) => ({
    dev: 1,
    ino: 500_000n + BigInt(i),
  }));
  const cgroups: Placement[] = [{ path: "/sys/fs/cgroup/system.slice", id: 2n, level: 1 }];
  for (let i = 0; i < 40; i++) {
    const parent = cgroups[i % cgroups.length] as Placement;
    cgroups.push({ path: `${parent.path}/s${i}`, id: 100n + BigInt(i), level: parent.level + 1 });
  }
  const exes = Array.from({ length: 50 }, (_, i) => ({ dev: 1, ino: 9_000n + BigInt(i) }));
  return { files, dirs, cgroups, exes };
}

function identity(r: Rng): Identity | null {
  if (r.chance(0.3)) return null;
  return r.pick<Identity>([
    { kind: "user", uid: 1000 + r.int(200) },
    { kind: "login-user", uid: 1000 + r.int(200) },
    { kind: "group", gid: 3000 + r.int(50) },
  ]);
}

function subject(r: Rng, p: Pools): Subject {
  return {
    identity: identity(r),
    placement: r.chance(0.3) ? r.pick(p.cgroups) : null,
    exe: r.chance(0.25) ? r.pick(p.exes) : null,
  };
}

function targets(r: Rng, p: Pools): FileTarget[] {
  return Array.from({ length: 1 + r.int(2) }, () =>
    r.chance(0.2)
      ? { path: "/d", key: r.pick(p.dirs), tree: true }
      : { path: "/f", key: r.pick(p.files), tree: false },
  );
}

function subjects(r: Rng, p: Pools): Subject[] {
  return r.chance(0.3) ? [EVERYONE] : Array.from({ length: 1 + r.int(2) }, () => subject(r, p));
}

function mixedRule(r: Rng, p: Pools, index: number): Rule {
  const ops = FILE_OPERATIONS.filter(() => r.chance(0.4));
  return {
    id: `r${index}`,
    index,
    action: r.pick<Action>(["allow", "deny", "audit"]),
    subjects: subjects(r, p),
    resource: r.chance(0.85)
      ? { kind: "files", targets: targets(r, p), operations: ops.length > 0 ? ops : ["read"] }
      : { kind: "exec", targets: targets(r, p), memfd: false, anonymousMemory: false },
  };
}

function perUserRule(p: Pools, index: number): Rule {
  const file = p.files[index % p.files.length] as FileKey;
  return {
    id: `r${index}`,
    index,
    action: index % 3 === 0 ? "allow" : "deny",
    subjects: [
      { identity: { kind: "user", uid: 10_000 + (index % 1000) }, placement: null, exe: null },
    ],
    resource: {
      kind: "files",
      targets: [{ path: "/f", key: file, tree: false }],
      operations: ["read", "write"],
    },
  };
}

export function scalePolicy(rules: number, shape: ScaleShape, seed = 1): Policy {
  const r = prng(seed);
  const p = pools(rules);
  return {
    name: `scale-${shape}-${rules}`,
    mode: "enforce",
    defaults: {
      ...(Object.fromEntries(RESOURCE_KEYS.map((c) => [c, "allow"])) as Policy["defaults"]),
      // the network shape is an egress allow-list over a default deny
      network: shape === "network" ? "deny" : "allow",
    },
    rules: Array.from({ length: rules }, (_, i) =>
      shape === "mixed"
        ? mixedRule(r, p, i)
        : shape === "network"
          ? networkRule(r, i, rules, () => subjects(r, p))
          : perUserRule(p, i),
    ),
  };
}
