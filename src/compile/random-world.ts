// Random policies and requests over a small random world (a file forest with a
// deep branch and hard links, a cgroup tree deeper than the kernel looks, a
// few programs, users and groups), for the differential tests of the
// compiled maps against decide(). A fixed seed makes every failure replayable.
import type { FileKey } from "../abi/file-key.js";
import { LOGINUID_UNSET, MAX_CGROUP_LEVEL } from "../policy/limits.js";
import {
  EVERYONE,
  type Action,
  type FileTarget,
  type Identity,
  type Placement,
  type Policy,
  type Resource,
  type Rule,
  type Subject,
} from "../policy/model.js";
import type { FileIdentity, Request, SubjectIdentity } from "../policy/request.js";
import {
  FILE_OPERATIONS,
  PTRACE_MODES,
  RESOURCE_KEYS,
  type FileOperation,
} from "../policy/schema-resources.js";
import {
  randomNetRequest,
  randomNetworkResource,
  randomSocketsResource,
  randomUnixResource,
} from "./random-net.js";

/** mulberry32 */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
export type Rng = ReturnType<typeof prng>;

/** The two small trees come first in World.nodes; the deep branch follows. */
const SHALLOW_NODES = 26;

interface Node {
  readonly key: FileKey;
  readonly parent: Node | null;
}

export interface World {
  readonly nodes: readonly Node[];
  readonly cgroups: readonly Placement[];
  readonly exes: readonly FileKey[];
  readonly uids: readonly number[];
  readonly gids: readonly number[];
  /** Unix socket files; one of them is also a file node, to keep the classes apart. */
  readonly sockets: readonly FileKey[];
}

function fileForest(r: Rng): Node[] {
  const nodes: Node[] = [];
  let ino = 10n;
  const add = (parent: Node | null, dev: number) => {
    const n = { key: { dev, ino: ino++ }, parent };
    nodes.push(n);
    return n;
  };
  for (const dev of [1, 2]) {
    const root = add(null, dev);
    for (let i = 0; i < 12; i++) add(r.pick(nodes.filter((n) => n.key.dev === dev)) ?? root, dev);
  }
  // A branch deeper than the kernel walks, to test the ancestor bound.
  let deep = nodes[0] ?? null;
  for (let i = 0; i < 40; i++) deep = add(deep, 1);
  return nodes;
}

function cgroupTree(r: Rng): Placement[] {
  const root: Placement = { path: "/sys/fs/cgroup", id: 1n, level: 0 };
  const first: Placement = { path: "/sys/fs/cgroup/c99", id: 99n, level: 1 };
  const all = [root, first, { path: "/sys/fs/cgroup/c99/c98", id: 98n, level: 2 }];
  let id = 100n;
  for (let i = 0; i < 10; i++) {
    const parent = r.pick(all);
    all.push({ path: `${parent.path}/c${id}`, id: id++, level: parent.level + 1 });
  }
  let deep = all[all.length - 1] ?? root;
  while (deep.level <= MAX_CGROUP_LEVEL + 1) {
    deep = { path: `${deep.path}/d${id}`, id: id++, level: deep.level + 1 };
    all.push(deep);
  }
  return all;
}

export function randomWorld(r: Rng): World {
  const nodes = fileForest(r);
  return {
    nodes,
    cgroups: cgroupTree(r),
    exes: [900n, 901n, 902n].map((ino) => ({ dev: 1, ino })),
    uids: [0, 1000, 1001],
    gids: [1000, 2000, 3000, 4000],
    // Fixed, not drawn: a world costs the same draws as before sockets existed.
    sockets: [{ dev: 3, ino: 700n }, { dev: 3, ino: 701n }, nodes[5]?.key ?? { dev: 1, ino: 1n }],
  };
}

const chainOf = (n: Node | null): FileKey[] => (n === null ? [] : [n.key, ...chainOf(n.parent)]);
const cgroupChain = (w: World, p: Placement): bigint[] =>
  w.cgroups
    .filter(
      (c) =>
        c.id !== null &&
        p.path.startsWith(c.path) &&
        (p.path === c.path || p.path[c.path.length] === "/"),
    )
    .sort((a, b) => a.level - b.level)
    .map((c) => c.id ?? 0n);

function randomIdentity(r: Rng, w: World): Identity {
  return r.pick<Identity>([
    { kind: "user", uid: r.pick(w.uids) },
    { kind: "login-user", uid: r.pick(w.uids) },
    { kind: "group", gid: r.pick(w.gids) },
  ]);
}

function randomSubject(r: Rng, w: World): Subject {
  // Placements along one branch often, so copies to deeper cgroups compete.
  if (r.chance(0.2)) return { ...EVERYONE, placement: r.pick(w.cgroups.slice(0, 3)) };
  const placement = r.chance(0.3) ? r.pick(w.cgroups.slice(0, 6)) : null;
  return {
    identity: r.chance(0.35) ? randomIdentity(r, w) : null,
    // A stopped service: the placement is known but has no cgroup id.
    placement: placement && r.chance(0.05) ? { ...placement, id: null } : placement,
    exe: r.chance(0.25) ? r.pick(w.exes) : null,
  };
}

function randomTargets(r: Rng, w: World): FileTarget[] {
  const pool = r.chance(0.85) ? w.nodes.slice(0, SHALLOW_NODES) : w.nodes;
  return Array.from({ length: 1 + r.int(2) }, () => ({
    path: "/x",
    key: r.pick(pool).key,
    tree: r.chance(0.6),
  }));
}

/** Small pools, so that requests often hit what rules name. */
const CAPS = [0, 5, 12, 13, 21];

function randomProcResource(r: Rng): Resource {
  const roll = r.next();
  if (roll < 0.45)
    return { kind: "capabilities", caps: CAPS.filter(() => r.chance(0.4)).concat(r.pick(CAPS)) };
  if (roll < 0.7) return { kind: "ptrace", modes: r.chance(0.5) ? ["attach"] : ["read", "attach"] };
  return r.chance(0.5) ? { kind: "mount" } : { kind: "moduleLoad" };
}

function fileResource(r: Rng, w: World): Resource {
  const ops = FILE_OPERATIONS.filter(() => r.chance(0.5));
  return {
    kind: "files",
    targets: randomTargets(r, w),
    operations: ops.length > 0 ? ops : ["read"],
  };
}

/** One draw decides both items, as memfd's own draw did before, so older seeds keep their policies. */
function randomExecResource(r: Rng, w: World): Resource {
  const targets = randomTargets(r, w);
  const item = r.next();
  return { kind: "exec", targets, memfd: item < 0.3, anonymousMemory: item >= 0.15 && item < 0.45 };
}

/** Files, exec and process rules, or (netHeavy) mostly network, sockets and unix rules. */
function randomResource(r: Rng, w: World, netHeavy: boolean): Resource {
  const roll = r.next();
  if (!netHeavy) {
    if (roll < 0.6) return fileResource(r, w);
    if (roll < 0.78) return randomExecResource(r, w);
  } else {
    if (roll < 0.1) return fileResource(r, w);
    if (roll < 0.6) return randomNetworkResource(r);
    if (roll < 0.8) return randomSocketsResource(r);
    if (roll < 0.95) return randomUnixResource(r, w.sockets);
  }
  return randomProcResource(r);
}

/**
 * withNet: half the policies are mostly network, sockets and unix rules. Without it
 * the draws are those of the files-only generator, which other suites' seeds rely on.
 */
export function randomPolicy(r: Rng, w: World, maxRules = 12, withNet = false): Policy {
  const netHeavy = withNet && r.chance(0.5);
  const rules: Rule[] = Array.from({ length: r.int(maxRules + 1) }, (_, index) => ({
    id: `r${index}`,
    index,
    action: r.pick<Action>(["allow", "deny", "audit"]),
    subjects: r.chance(0.3)
      ? [EVERYONE]
      : Array.from({ length: 1 + r.int(3) }, () => randomSubject(r, w)),
    resource: randomResource(r, w, netHeavy),
  }));
  const defaults = Object.fromEntries(
    RESOURCE_KEYS.map((c) => [c, r.chance(0.5) ? "deny" : "allow"]),
  );
  return {
    name: "random",
    mode: r.chance(0.2) ? "audit" : "enforce",
    defaults: defaults as Policy["defaults"],
    rules,
  };
}

export function randomSubjectIdentity(r: Rng, w: World): SubjectIdentity {
  // The last gid only ever appears past the 32 groups the kernel reads.
  const late = w.gids[w.gids.length - 1] ?? 0;
  const early = w.gids.slice(0, -1);
  const groups = Array.from({ length: r.pick([0, 1, 3, 40]) }, (_, i) =>
    i < 32 ? 5000 + i : late,
  );
  if (groups.length > 0 && r.chance(0.7))
    groups[r.int(Math.min(groups.length, 32))] = r.pick(early);
  return {
    uid: r.pick(w.uids),
    gid: r.pick(early),
    groups,
    loginuid: r.chance(0.2) ? LOGINUID_UNSET : r.pick(w.uids),
    cgroups: cgroupChain(w, r.pick(w.cgroups)),
    exe: r.pick([...w.exes, { dev: 1, ino: 999n }]),
  };
}

/** A file reached through some directory chain; sometimes a hard link (self from elsewhere). */
export function randomFile(r: Rng, w: World, allowMissing: boolean): FileIdentity {
  const node = () => r.pick(r.chance(0.8) ? w.nodes.slice(0, SHALLOW_NODES) : w.nodes);
  const [self, ...ancestors] = chainOf(node());
  if (allowMissing && r.chance(0.15)) return { self: null, ancestors: chainOf(node()) };
  if (r.chance(0.15)) return { self: node().key, ancestors };
  return { self: self ?? null, ancestors };
}

export function randomFileRequest(r: Rng, w: World): Request {
  const subject = randomSubjectIdentity(r, w);
  if (r.chance(0.15))
    return { kind: "exec", target: { kind: "file", file: randomFile(r, w, false) }, subject };
  const operation: FileOperation = r.pick(FILE_OPERATIONS);
  const file = randomFile(r, w, operation === "create");
  if (operation === "read" || operation === "write")
    return { kind: "file-open", operation, file, subject };
  return { kind: "file-op", operation, file, subject };
}

/** A process or kernel request: memfd or anonymous memory exec, a capability, ptrace, mount, module load. */
export function randomProcRequest(r: Rng, w: World): Request {
  const subject = randomSubjectIdentity(r, w);
  const roll = r.next();
  if (roll < 0.2) {
    const target =
      roll < 0.12 ? ({ kind: "memfd" } as const) : ({ kind: "anonymous-memory" } as const);
    return { kind: "exec", target, subject };
  }
  if (roll < 0.5) return { kind: "capability", cap: r.chance(0.9) ? r.pick(CAPS) : 39, subject };
  if (roll < 0.75) return { kind: "ptrace", mode: r.pick(PTRACE_MODES), subject };
  return r.chance(0.5) ? { kind: "mount", subject } : { kind: "module-load", subject };
}

type RequestFamily = "file" | "proc" | "net";

const FAMILY_OF: Readonly<Record<Resource["kind"], RequestFamily>> = {
  files: "file",
  exec: "file",
  network: "net",
  sockets: "net",
  unix: "net",
  capabilities: "proc",
  ptrace: "proc",
  mount: "proc",
  moduleLoad: "proc",
};

/** The family of requests that a rule's resource is about (memfd exec is a process request;
 * anonymous memory exec too, reached through memfd's share so older seeds keep their draws). */
function familyOf(r: Rng, res: Resource): RequestFamily {
  if (res.kind === "exec" && res.memfd && r.chance(0.5)) return "proc";
  return FAMILY_OF[res.kind];
}

/** A request of a class the compiler encodes, mostly of a class some rule of `p` has. */
export function randomRequest(r: Rng, w: World, p: Policy): Request {
  const rule = r.chance(0.8) && p.rules.length > 0 ? r.pick(p.rules) : null;
  const roll = r.next();
  const family = rule
    ? familyOf(r, rule.resource)
    : roll < 0.4
      ? "file"
      : roll < 0.7
        ? "proc"
        : "net";
  if (family === "file") return randomFileRequest(r, w);
  if (family === "proc") return randomProcRequest(r, w);
  return randomNetRequest(r, randomSubjectIdentity(r, w), w.sockets);
}
