// validateImage: proves, before a compiled policy is written into the kernel,
// that the decision its map contents encode equals decide(policy, request)
// for every request of the classes the kernel decides from the maps. The
// request space is cut into positions (positions.ts; the network class in
// net-levels.ts or net-addresses.ts); per position both
// sides are first-match lists over the symbolic subject, and the solver
// shows that no subject makes them differ. Many positions go into one query;
// positions that print alike are solved once. A disagreement comes back as a
// concrete request, confirmed by running decide() and the lookup model on it.
import type { FileKey } from "../../abi/file-key.js";
import { PwClass } from "../../abi/policy-records.js";
import type { MapImage } from "../../compile/image.js";
import type { Policy, ResourceClass } from "../../policy/model.js";
import { RESOURCE_KEYS } from "../../policy/schema-resources.js";
import type { SubjectIdentity } from "../../policy/request.js";
import type { ScriptSolver } from "../smt/solver.js";
import { Confirmer, type Difference } from "./counterexample.js";
import { readTables, type ImageTables } from "./image-tables.js";
import { NetAddresses } from "./net-addresses.js";
import { NetIndex } from "./net-index.js";
import { NetLevels } from "./net-levels.js";
import { cidrKey } from "./net-tables.js";
import { requestAt } from "./position-request.js";
import { CHECKED_CLASSES, PositionBuilder } from "./positions.js";
import { addCounts, prove, type Counts, type Prover, type Refuted } from "./prove.js";
import { readAnswer, type Answer } from "./solver-answer.js";
import { SubjectEncoding } from "./subject.js";

export interface ValidationStats {
  readonly rules: number;
  readonly entries: number;
  /** positions where the policy or the image names something */
  readonly positions: number;
  /** positions whose two sides encode to the same formula (equal by construction) */
  readonly identical: number;
  /** placement equivalences proved once and used by many positions */
  readonly lemmas: number;
  /** distinct whole-position formulas sent to the solver (positions the lemmas do not cover) */
  readonly problems: number;
  readonly queries: number;
  /**
   * The network part (counted in `positions` too): positions by level
   * (net-levels.ts) and by class of destinations (net-addresses.ts, the exact
   * check below the prefixes the levels leave open).
   */
  readonly network: {
    readonly positions: number;
    readonly levels: number;
    readonly addresses: number;
  };
  readonly solver: string;
  /** time spent waiting for the solver */
  readonly solverMs: number;
  readonly ms: number;
  /** what the proof does not cover, in words */
  readonly notChecked: readonly string[];
}

export type ValidationResult =
  | ({ readonly kind: "valid" } & ValidationStats)
  | ({ readonly kind: "differs" } & Difference)
  | { readonly kind: "unknown"; readonly reason: string }
  | { readonly kind: "malformed"; readonly reason: string };

export interface ValidateOptions {
  /** the embedded z3 by default */
  readonly solver?: ScriptSolver;
  /** per solver query */
  readonly timeoutMs?: number;
  /** characters of formula per query */
  readonly batchChars?: number;
}

const DEFAULT_BATCH_CHARS = 20_000;
const ATTEMPTS = 3;

export async function validateImage(
  policy: Policy,
  image: MapImage,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const t0 = performance.now();
  const read = readTables(image);
  if (read.kind === "malformed") return read;
  const tables = read.tables;
  const confirmer = new Confirmer(policy, image);
  const fresh = freshKey(policy, tables);
  const subject = SubjectEncoding.forPolicy(tables, policy);
  const byDefault = checkDefaults(confirmer, subject.subjectFrom(new Map()), fresh);
  if (byDefault !== null) return { kind: "differs", ...byDefault };
  const solver = options.solver ?? (await import("../smt/z3-embedded.js")).embeddedZ3Script();
  let solverMs = 0;
  // The wasm z3 now and then reads a script garbled (z3-embedded.ts): any
  // error but the one get-value gives after unsat makes the answer void.
  const run = async (text: string): Promise<Answer> => {
    let r: Answer = { kind: "unknown", reason: "no answer" };
    for (let i = 0; i < ATTEMPTS && (i === 0 || r.kind === "unknown"); i++) {
      const s0 = performance.now();
      const answer = await solver.run(text, options.timeoutMs ?? 60_000);
      solverMs += performance.now() - s0;
      r = readAnswer(answer, subject.variableNames());
    }
    return r;
  };
  const prover: Prover = {
    subject,
    confirmer,
    solverName: solver.name,
    batchChars: options.batchChars ?? DEFAULT_BATCH_CHARS,
    run,
  };
  const rest = await prove(new PositionBuilder(policy, tables, subject, fresh), prover);
  if (rest.kind !== "proved") return rest.result;
  const net = await proveNetwork(policy, tables, prover);
  if (net.kind === "refuted") return net.result;
  // Last: a concrete request from a position is the better report when there is one.
  const defaults = defaultsProblem(policy, tables);
  if (defaults !== null) return { kind: "malformed", reason: defaults };
  const counts = addCounts(rest, addCounts(net.levels, net.addresses));
  return {
    kind: "valid",
    rules: policy.rules.length,
    entries: image.rules.length + image.net.length,
    ...counts,
    network: {
      positions: net.levels.positions + net.addresses.positions,
      levels: net.levels.positions,
      addresses: net.addresses.positions,
    },
    solver: solver.name,
    solverMs,
    ms: performance.now() - t0,
    notChecked: notChecked(policy),
  };
}

/**
 * Levels first, for every prefix whose entries are levelled; then, exactly,
 * the classes of destinations below the prefixes the levels leave open: those
 * with an entry that is not levelled, and those where a disagreement between
 * levels shows on no destination tried (a level is reached only where
 * nothing deeper matches).
 */
async function proveNetwork(
  policy: Policy,
  tables: ImageTables,
  prover: Prover,
): Promise<Refuted | { kind: "network"; levels: Counts; addresses: Counts }> {
  const index = new NetIndex(policy, tables.net);
  const levels = await prove(
    new NetLevels(policy, tables, prover.subject, index),
    prover,
    "collect",
  );
  if (levels.kind !== "proved") return levels;
  const open = new Set(tables.net.unlevelled);
  for (const p of levels.unsettled)
    if (p.kind === "net-level") open.add(cidrKey(p.family, p.addr, p.prefix));
  if (open.size === 0) return { kind: "network", levels, addresses: NONE };
  const addresses = await prove(
    new NetAddresses(policy, tables, prover.subject, index, open),
    prover,
  );
  return addresses.kind === "proved" ? { kind: "network", levels, addresses } : addresses;
}

const NONE: Counts = { positions: 0, identical: 0, lemmas: 0, problems: 0, queries: 0 };

/** A file key that nothing names, for requests whose walk must find nothing there. */
function freshKey(policy: Policy, tables: ImageTables): FileKey {
  let max = 0n;
  for (const k of tables.files.keys()) {
    const ino = BigInt(k.split(":")[1] ?? "0");
    if (ino > max) max = ino;
  }
  for (const r of policy.rules) {
    const res = r.resource;
    const keys =
      res.kind === "files" || res.kind === "exec"
        ? res.targets.map((t) => t.key)
        : res.kind === "unix"
          ? res.sockets
          : [];
    for (const k of keys) if (k.ino > max) max = k.ino;
  }
  return { dev: 0, ino: max + 1n };
}

/**
 * The class defaults, on requests that name nothing: a fresh file for the
 * file-keyed classes (where a disagreement comes with a request to show).
 */
function checkDefaults(c: Confirmer, subject: SubjectIdentity, fresh: FileKey): Difference | null {
  for (const cls of [PwClass.files, PwClass.exec, PwClass.unix]) {
    const position = { kind: "file", cls, key: fresh, op: 0, ancestor: false } as const;
    const d = c.check(requestAt(position, subject, fresh));
    if (d !== null) return d;
  }
  return null;
}

/**
 * Every class default and the audit switch, compared directly: a position
 * whose candidates all miss falls to the default on both sides, which the
 * per-position proofs take as equal.
 */
function defaultsProblem(policy: Policy, tables: ImageTables): string | null {
  if (tables.config.auditMode !== (policy.mode === "audit"))
    return `config: audit mode is ${tables.config.auditMode ? "on" : "off"} in the maps, the policy's mode is ${policy.mode}`;
  for (const cls of RESOURCE_KEYS) {
    const denied = (tables.config.denyDefaults & (1 << PwClass[cls])) !== 0;
    if (denied !== (policy.defaults[cls] === "deny"))
      return `config: the ${cls} default is ${denied ? "deny" : "allow"} in the maps, ${policy.defaults[cls]} in the policy`;
  }
  return null;
}

function notChecked(policy: Policy): string[] {
  const checked = new Set<ResourceClass>(CHECKED_CLASSES);
  const counts = new Map<ResourceClass, number>();
  for (const r of policy.rules)
    if (!checked.has(r.resource.kind))
      counts.set(r.resource.kind, (counts.get(r.resource.kind) ?? 0) + 1);
  return [...counts].map(
    ([cls, n]) => `${cls}: ${n} rule(s) of a class this proof does not cover yet`,
  );
}
