// The kernel's lookup algorithm in TypeScript, reading nothing but a MapImage's
// bytes: exactly the lookups bpf/include/pw_policy_decide.h does, in the same
// order. The differential test runs it against decide() on random policies, so
// the encoding is proved right before any kernel is involved.
import type { FileKey } from "../abi/file-key.js";
import {
  ITEM_ANY,
  OP_ANCESTOR,
  OP_ANY_TYPE,
  PwClass,
  PwNetProto,
  PwFileOp,
  PwIdentKind,
  PwObjectKind,
  PwPtraceMode,
  PwExecItem,
  decodeConfig,
  decodeNetValue,
  encodeNetKey,
  encodeObjectKey,
  encodeRuleKey,
  resourceObjectValue,
  shapeBit,
  type PwConfig,
} from "../abi/policy-records.js";
import { scoreAction, scoreRule } from "../abi/score.js";
import {
  MAX_CGROUP_LEVEL,
  MAX_FILE_ANCESTORS,
  MAX_SUPPLEMENTARY_GROUPS,
} from "../policy/limits.js";
import { maskOf, unmapV4 } from "../policy/cidr.js";
import type { Action } from "../policy/model.js";
import type { FileIdentity, Request, SubjectIdentity } from "../policy/request.js";
import type { MapImage } from "./image.js";

export interface ModelMaps {
  readonly config: PwConfig;
  readonly objects: ReadonlyMap<string, Buffer>;
  readonly rules: ReadonlyMap<string, Buffer>;
  readonly net: ReadonlyMap<string, Buffer>;
}

export function modelMaps(image: MapImage): ModelMaps {
  const table = (es: MapImage["rules"]) => new Map(es.map((e) => [e.key.toString("hex"), e.value]));
  return {
    config: decodeConfig(image.config),
    objects: table(image.objects),
    rules: table(image.rules),
    net: table(image.net),
  };
}

function objectId(m: ModelMaps, kind: number, value: bigint, dev: number): number {
  return m.objects.get(encodeObjectKey({ kind, value, dev }).toString("hex"))?.readUInt32LE(0) ?? 0;
}

export interface Candidates {
  readonly exe: number;
  readonly place: number;
  readonly idents: readonly { readonly kind: number; readonly value: number }[];
}

/** What the kernel computes once per request: named exe, deepest named cgroup, identities. */
export function subjectCandidates(m: ModelMaps, who: SubjectIdentity): Candidates {
  const exe = objectId(m, PwObjectKind.exe, who.exe.ino, who.exe.dev);
  let place = 0;
  for (let level = MAX_CGROUP_LEVEL; level >= 0 && place === 0; level--) {
    if ((m.config.cgroupLevels & (1 << level)) === 0) continue;
    // bpf_get_current_ancestor_cgroup_id returns 0 below the task's own level.
    place = objectId(m, PwObjectKind.cgroup, who.cgroups[level] ?? 0n, 0);
  }
  const idents: { kind: number; value: number }[] = [
    { kind: PwIdentKind.none, value: 0 },
    { kind: PwIdentKind.user, value: who.uid },
    { kind: PwIdentKind.login, value: who.loginuid },
  ];
  for (const g of [who.gid, ...who.groups.slice(0, MAX_SUPPLEMENTARY_GROUPS)])
    if (objectId(m, PwObjectKind.gid, BigInt(g), 0) !== 0)
      idents.push({ kind: PwIdentKind.group, value: g });
  return { exe, place, idents };
}

/** The best score among the candidate subject keys for one resource id and op. */
export function bestScore(
  m: ModelMaps,
  c: Candidates,
  cls: number,
  res: number,
  op: number,
): bigint {
  let best = 0n;
  for (const exe of c.exe !== 0 ? [c.exe, 0] : [0])
    for (const place of c.place !== 0 ? [c.place, 0] : [0])
      for (const id of c.idents) {
        if ((m.config.shapes & shapeBit(exe !== 0, place !== 0, id.kind)) === 0) continue;
        const key = { exe, place, identKind: id.kind, ident: id.value, cls, res, op };
        const v = m.rules.get(encodeRuleKey(key).toString("hex"))?.readBigUInt64LE(0) ?? 0n;
        if (v > best) best = v;
      }
  return best;
}

/** Walks the file, then its directories nearest first; the first position with a match decides. */
export function fileScore(
  m: ModelMaps,
  c: Candidates,
  cls: number,
  op: number,
  f: FileIdentity,
): bigint {
  const positions: [FileKey, number][] = f.self ? [[f.self, op]] : [];
  for (const a of f.ancestors.slice(0, MAX_FILE_ANCESTORS)) positions.push([a, op | OP_ANCESTOR]);
  for (const [key, posOp] of positions) {
    const res = objectId(m, PwObjectKind.file, key.ino, key.dev);
    if (res === 0) continue;
    const s = bestScore(m, c, cls, res, posOp);
    if (s !== 0n) return s;
  }
  return 0n;
}

/** A non-file item (pw_item_score): one object lookup, then the candidate keys. */
export function itemScore(m: ModelMaps, c: Candidates, cls: number, item: number): bigint {
  const res = objectId(m, PwObjectKind.resource, resourceObjectValue(cls, item), 0);
  return res === 0 ? 0n : bestScore(m, c, cls, res, 0);
}

export interface ModelDecision {
  readonly action: Action;
  /** Rule index, or null for the class default. */
  readonly rule: number | null;
}

/** Every candidate subject key the kernel tries, in its order, shapes in use only. */
function* candidateKeys(m: ModelMaps, c: Candidates) {
  for (const exe of c.exe !== 0 ? [c.exe, 0] : [0])
    for (const place of c.place !== 0 ? [c.place, 0] : [0])
      for (const id of c.idents)
        if ((m.config.shapes & shapeBit(exe !== 0, place !== 0, id.kind)) !== 0)
          yield { exe, place, identKind: id.kind, ident: id.value };
}

/** An LPM trie lookup: the entry with the longest prefix at most `cap` that contains addr. */
function trieLookup(
  m: ModelMaps,
  key: Omit<Parameters<typeof encodeNetKey>[0], "prefix">,
  cap: number,
): Buffer | undefined {
  for (let p = cap; p >= 0; p--) {
    const addr = key.addr & maskOf(key.family, p);
    const v = m.net.get(encodeNetKey({ ...key, addr, prefix: p }).toString("hex"));
    if (v !== undefined) return v;
  }
  return undefined;
}

/** bpf/enforce_net.bpf.c: per candidate, the longest prefix with a row for the port and protocol.
 * The kernel does not read an ICMP socket's port and looks it up as 0. */
export function networkScore(
  m: ModelMaps,
  c: Candidates,
  q: Extract<Request, { kind: "connect" | "sendmsg" }>,
): bigint {
  const dst = unmapV4(q.family, q.addr);
  const bits = dst.family === 4 ? 32 : 128;
  const proto = PwNetProto[q.protocol];
  const port = q.protocol === "icmp" ? 0 : q.port;
  let best = 0n;
  for (const sk of candidateKeys(m, c)) {
    const key = { ...sk, family: dst.family, addr: dst.addr };
    let cap = bits;
    for (let step = 0; step <= bits; step++) {
      const raw = trieLookup(m, key, cap);
      if (raw === undefined) break;
      const v = decodeNetValue(raw);
      const hit = v.ports
        .filter((p) => p.lo <= port && port <= p.hi && (p.protocols & proto) !== 0)
        .reduce((b, p) => (p.score > b ? p.score : b), 0n);
      if (hit !== 0n) {
        if (hit > best) best = hit;
        break;
      }
      if (v.prefix === 0 || v.prefix > bits) break;
      cap = v.prefix - 1;
    }
  }
  return best;
}

/** bpf/enforce_proc.bpf.c: a file walks its directories; memfd and anonymous memory are items. */
function execScore(
  m: ModelMaps,
  c: Candidates,
  target: Extract<Request, { kind: "exec" }>["target"],
): bigint {
  switch (target.kind) {
    case "memfd":
      return itemScore(m, c, PwClass.exec, PwExecItem.memfd);
    case "anonymous-memory":
      return itemScore(m, c, PwClass.exec, PwExecItem.anonymousMemory);
    case "file":
      return fileScore(m, c, PwClass.exec, 0, target.file);
  }
}

/** enforce_proc clears the exec default for anonymous memory: only a rule denies it. */
function denyDefaults(m: ModelMaps, q: Request): number {
  const anonymous = q.kind === "exec" && q.target.kind === "anonymous-memory";
  return anonymous ? m.config.denyDefaults & ~(1 << PwClass.exec) : m.config.denyDefaults;
}

function requestScore(m: ModelMaps, q: Request): { cls: number; score: bigint } {
  const c = subjectCandidates(m, q.subject);
  switch (q.kind) {
    case "file-open":
    case "file-op":
      return {
        cls: PwClass.files,
        score: fileScore(m, c, PwClass.files, PwFileOp[q.operation], q.file),
      };
    case "exec":
      return { cls: PwClass.exec, score: execScore(m, c, q.target) };
    case "connect":
    case "sendmsg":
      return { cls: PwClass.network, score: networkScore(m, c, q) };
    case "socket-create": {
      // The kernel masks the type to SOCK_TYPE_MASK; requests carry real types.
      const typed = bestScore(m, c, PwClass.sockets, q.family, q.type & 0xf);
      const any = bestScore(m, c, PwClass.sockets, q.family, OP_ANY_TYPE);
      return { cls: PwClass.sockets, score: typed > any ? typed : any };
    }
    case "unix-connect": {
      const res = objectId(m, PwObjectKind.file, q.socket.ino, q.socket.dev);
      return { cls: PwClass.unix, score: res === 0 ? 0n : bestScore(m, c, PwClass.unix, res, 0) };
    }
    case "capability":
      return { cls: PwClass.capabilities, score: itemScore(m, c, PwClass.capabilities, q.cap) };
    case "ptrace":
      return { cls: PwClass.ptrace, score: itemScore(m, c, PwClass.ptrace, PwPtraceMode[q.mode]) };
    case "mount":
      return { cls: PwClass.mount, score: itemScore(m, c, PwClass.mount, ITEM_ANY) };
    case "module-load":
      return { cls: PwClass.moduleLoad, score: itemScore(m, c, PwClass.moduleLoad, ITEM_ANY) };
    default:
      throw new Error(`model: request kind ${(q as Request).kind} is not modelled yet`);
  }
}

export function modelDecide(m: ModelMaps, q: Request): ModelDecision {
  const { cls, score } = requestScore(m, q);
  const chosen: Action =
    score !== 0n ? scoreAction(score) : (denyDefaults(m, q) & (1 << cls)) !== 0 ? "deny" : "allow";
  const action = m.config.auditMode && chosen === "deny" ? "audit" : chosen;
  return { action, rule: score !== 0n ? scoreRule(score) : null };
}
