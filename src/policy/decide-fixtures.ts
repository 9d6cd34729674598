// Builders for decide() tests: a small world of files, cgroups and programs,
// and terse constructors for rules and requests.
import type { FileKey } from "../abi/file-key.js";
import { parseCidr, parseIp } from "./cidr.js";
import { LOGINUID_UNSET } from "./limits.js";
import {
  EVERYONE,
  type Action,
  type Mode,
  type Policy,
  type Posture,
  type Resource,
  type Rule,
  type Subject,
} from "./model.js";
import type { FileIdentity, Request, SubjectIdentity } from "./request.js";
import {
  FILE_OPERATIONS,
  RESOURCE_KEYS,
  type FileOperation,
  type Protocol,
  type ResourceClass,
} from "./schema-resources.js";

export const key = (ino: number): FileKey => ({ dev: 1, ino: BigInt(ino) });

/** / (1) > home (2) > alice (3) > .ssh (4) > id_rsa (5); /tmp (6) > x (7). */
export const FS = { root: 1, home: 2, alice: 3, ssh: 4, idRsa: 5, tmp: 6, x: 7 } as const;

export function fileAt(chain: readonly number[]): FileIdentity {
  const [self, ...ancestors] = chain;
  return { self: self === undefined ? null : key(self), ancestors: ancestors.map(key) };
}

export const ID_RSA = fileAt([FS.idRsa, FS.ssh, FS.alice, FS.home, FS.root]);

/** cgroups: root 100 > system.slice 101 > nginx 102 > worker 103. */
export const CG = { root: 100n, system: 101n, nginx: 102n, worker: 103n } as const;

export const ALICE: SubjectIdentity = {
  uid: 1000,
  gid: 1000,
  groups: [1000, 2000],
  loginuid: 1000,
  cgroups: [CG.root],
  exe: key(900),
};

export function who(over: Partial<SubjectIdentity> = {}): SubjectIdentity {
  return { ...ALICE, ...over };
}

export const ROOT_VIA_SUDO = who({ uid: 0, gid: 0, groups: [0], loginuid: 1000 });
export const DAEMON = who({ uid: 1, gid: 1, groups: [], loginuid: LOGINUID_UNSET });

export function subject(s: Partial<Subject>): Subject {
  return { ...EVERYONE, ...s };
}

export function files(
  targets: [number, boolean][],
  operations: readonly FileOperation[] = FILE_OPERATIONS,
): Resource {
  const list = targets.map(([ino, tree]) => ({ path: `/ino/${ino}`, key: key(ino), tree }));
  return { kind: "files", targets: list, operations };
}

export function network(
  cidrs: string[],
  ports: [number, number][] | null = null,
  protocols: Protocol[] | null = null,
): Resource {
  return {
    kind: "network",
    cidrs: cidrs.map((c) => {
      const r = parseCidr(c);
      if (r.kind !== "ok") throw new Error(`bad test cidr ${c}`);
      return r.cidr;
    }),
    ports: ports?.map(([lo, hi]) => ({ lo, hi })) ?? null,
    protocols,
  };
}

let next = 0;
export function rule(
  action: Action,
  resource: Resource,
  subjects: Subject[] = [EVERYONE],
  id?: string,
): Rule {
  const index = next++;
  return { id: id ?? `r${index}`, index, action, subjects, resource };
}

export function policy(
  rules: Rule[],
  mode: Mode = "enforce",
  defaults: Partial<Record<ResourceClass, Posture>> = {},
): Policy {
  const d = Object.fromEntries(RESOURCE_KEYS.map((k) => [k, defaults[k] ?? "allow"])) as Record<
    ResourceClass,
    Posture
  >;
  // Indexes follow list order, as checkPolicy assigns them.
  return { name: "t", mode, defaults: d, rules: rules.map((r, index) => ({ ...r, index })) };
}

export function readFile(file: FileIdentity, s: SubjectIdentity = ALICE): Request {
  return { kind: "file-open", operation: "read", file, subject: s };
}

export function connect(
  addr: string,
  port: number,
  protocol: Protocol = "tcp",
  s: SubjectIdentity = ALICE,
): Request {
  const ip = parseIp(addr);
  if (ip === null) throw new Error(`bad test address ${addr}`);
  return { kind: "connect", family: ip.family, addr: ip.addr, port, protocol, subject: s };
}
