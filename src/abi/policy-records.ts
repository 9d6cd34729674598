// Codecs for the compiled-policy records of bpf/include/pw_policy.h: the keys
// of pw_objects and pw_rules and the pw_config value. Layouts are checked
// against the built object's BTF in abi.test.ts.

/** enum pw_class: RESOURCE_KEYS order, from 1. */
export const PwClass = {
  files: 1,
  network: 2,
  sockets: 3,
  unix: 4,
  capabilities: 5,
  exec: 6,
  ptrace: 7,
  mount: 8,
  moduleLoad: 9,
} as const;

/** enum pw_file_op: FILE_OPERATIONS order, from 0. */
export const PwFileOp = {
  read: 0,
  write: 1,
  create: 2,
  delete: 3,
  rename: 4,
  link: 5,
  setattr: 6,
} as const;
/** Set on a file op when the named inode is a directory above the file. */
export const OP_ANCESTOR = 0x80;

/** Sockets op of a rule that names no socket types (PW_OP_ANY_TYPE). */
export const OP_ANY_TYPE = 0xff;

/** enum pw_net_proto: protocol bits of a network row. */
export const PwNetProto = { tcp: 1, udp: 2, icmp: 4 } as const;

/** enum pw_ident_kind; also the identity rank of decide(). */
export const PwIdentKind = { none: 0, group: 1, user: 2, login: 3 } as const;

/** enum pw_object_kind */
export const PwObjectKind = { file: 1, exe: 2, cgroup: 3, gid: 4, resource: 5 } as const;

/** enum pw_ptrace_mode: the item of a ptrace resource object. */
export const PwPtraceMode = { read: 0, attach: 1 } as const;
/** PW_ITEM_ANY: the item of mount and moduleLoad. */
export const ITEM_ANY = 0;
/** enum pw_exec_item: the exec requests that name no file. */
export const PwExecItem = { memfd: ITEM_ANY, anonymousMemory: 1 } as const;

/** The value of a PW_OBJ_RESOURCE object key: class << 32 | item. */
export function resourceObjectValue(cls: number, item: number): bigint {
  return (BigInt(cls) << 32n) | BigInt(item >>> 0);
}

export const RULE_NONE = 0xffffffff;
export const GENERATIONS = 2;

export const OBJECT_KEY_LAYOUT = { value: 0, dev: 8, gen: 12, kind: 13, pad: 14 } as const;
export const OBJECT_KEY_SIZE = 16;
export const RULE_KEY_LAYOUT = {
  exe: 0,
  place: 4,
  ident: 8,
  res: 12,
  gen: 16,
  cls: 17,
  op: 18,
  ident_kind: 19,
} as const;
export const RULE_KEY_SIZE = 20;
export const CONFIG_LAYOUT = {
  audit_mode: 0,
  deny_defaults: 4,
  shapes: 8,
  cgroup_levels: 12,
} as const;
export const CONFIG_SIZE = 16;

export const NET_KEY_LAYOUT = {
  prefixlen: 0,
  gen: 4,
  ident_kind: 5,
  family: 6,
  pad: 7,
  exe: 8,
  place: 12,
  ident: 16,
  addr: 20,
} as const;
export const NET_KEY_SIZE = 36;
/** Bits of struct pw_net_key's data before the address (PW_NET_HEADER_BITS). */
export const NET_HEADER_BITS = 128;
export const NET_PORT_LAYOUT = { score: 0, lo: 8, hi: 10, protocols: 12, pad: 13 } as const;
export const NET_PORT_SIZE = 16;
/** Rows per pw_net entry (PW_NET_PORTS). */
export const NET_PORTS = 16;
export const NET_VALUE_LAYOUT = { prefix: 0, count: 4, ports: 8 } as const;
export const NET_VALUE_SIZE = 8 + NET_PORTS * NET_PORT_SIZE;

/** Where the generation byte sits in each keyed map: the loader stamps it. */
export const GEN_OFFSET = {
  objects: OBJECT_KEY_LAYOUT.gen,
  rules: RULE_KEY_LAYOUT.gen,
  net: NET_KEY_LAYOUT.gen,
} as const;

export interface ObjectKey {
  readonly kind: number;
  readonly value: bigint;
  readonly dev: number;
}

export function encodeObjectKey(k: ObjectKey, gen = 0): Buffer {
  const b = Buffer.alloc(OBJECT_KEY_SIZE);
  b.writeBigUInt64LE(k.value, OBJECT_KEY_LAYOUT.value);
  b.writeUInt32LE(k.dev, OBJECT_KEY_LAYOUT.dev);
  b.writeUInt8(gen, OBJECT_KEY_LAYOUT.gen);
  b.writeUInt8(k.kind, OBJECT_KEY_LAYOUT.kind);
  return b;
}

export interface RuleKey {
  readonly exe: number;
  readonly place: number;
  readonly identKind: number;
  readonly ident: number;
  readonly cls: number;
  readonly res: number;
  readonly op: number;
}

export function encodeRuleKey(k: RuleKey, gen = 0): Buffer {
  const L = RULE_KEY_LAYOUT;
  const b = Buffer.alloc(RULE_KEY_SIZE);
  b.writeUInt32LE(k.exe, L.exe);
  b.writeUInt32LE(k.place, L.place);
  b.writeUInt32LE(k.ident >>> 0, L.ident);
  b.writeUInt32LE(k.res >>> 0, L.res);
  b.writeUInt8(gen, L.gen);
  b.writeUInt8(k.cls, L.cls);
  b.writeUInt8(k.op, L.op);
  b.writeUInt8(k.identKind, L.ident_kind);
  return b;
}

/** The trie key of a network entry: a subject key and a CIDR of one family. */
export interface NetKey {
  readonly exe: number;
  readonly place: number;
  readonly identKind: number;
  readonly ident: number;
  readonly family: 4 | 6;
  /** The address as an integer of 32 or 128 bits. */
  readonly addr: bigint;
  readonly prefix: number;
}

export function encodeNetKey(k: NetKey, gen = 0): Buffer {
  const L = NET_KEY_LAYOUT;
  const b = Buffer.alloc(NET_KEY_SIZE);
  b.writeUInt32LE(NET_HEADER_BITS + k.prefix, L.prefixlen);
  b.writeUInt8(gen, L.gen);
  b.writeUInt8(k.identKind, L.ident_kind);
  b.writeUInt8(k.family, L.family);
  b.writeUInt32LE(k.exe, L.exe);
  b.writeUInt32LE(k.place, L.place);
  b.writeUInt32LE(k.ident >>> 0, L.ident);
  const bytes = k.family === 4 ? 4 : 16;
  for (let i = 0; i < bytes; i++)
    b.writeUInt8(Number((k.addr >> BigInt(8 * (bytes - 1 - i))) & 0xffn), L.addr + i);
  return b;
}

export interface NetPort {
  readonly score: bigint;
  readonly lo: number;
  readonly hi: number;
  /** PwNetProto bits. */
  readonly protocols: number;
}

export interface NetValue {
  readonly prefix: number;
  readonly ports: readonly NetPort[];
}

export function encodeNetValue(v: NetValue): Buffer {
  if (v.ports.length > NET_PORTS)
    throw new Error(`encode pw_net value: ${v.ports.length} rows, at most ${NET_PORTS}`);
  const b = Buffer.alloc(NET_VALUE_SIZE);
  b.writeUInt32LE(v.prefix, NET_VALUE_LAYOUT.prefix);
  b.writeUInt32LE(v.ports.length, NET_VALUE_LAYOUT.count);
  v.ports.forEach((p, i) => {
    const at = NET_VALUE_LAYOUT.ports + i * NET_PORT_SIZE;
    b.writeBigUInt64LE(p.score, at + NET_PORT_LAYOUT.score);
    b.writeUInt16LE(p.lo, at + NET_PORT_LAYOUT.lo);
    b.writeUInt16LE(p.hi, at + NET_PORT_LAYOUT.hi);
    b.writeUInt8(p.protocols, at + NET_PORT_LAYOUT.protocols);
  });
  return b;
}

export function decodeNetValue(b: Buffer): NetValue {
  const count = Math.min(b.readUInt32LE(NET_VALUE_LAYOUT.count), NET_PORTS);
  const ports = Array.from({ length: count }, (_, i) => {
    const at = NET_VALUE_LAYOUT.ports + i * NET_PORT_SIZE;
    return {
      score: b.readBigUInt64LE(at + NET_PORT_LAYOUT.score),
      lo: b.readUInt16LE(at + NET_PORT_LAYOUT.lo),
      hi: b.readUInt16LE(at + NET_PORT_LAYOUT.hi),
      protocols: b.readUInt8(at + NET_PORT_LAYOUT.protocols),
    };
  });
  return { prefix: b.readUInt32LE(NET_VALUE_LAYOUT.prefix), ports };
}

export interface PwConfig {
  readonly auditMode: boolean;
  /** Bit (1 << PwClass[c]) set when class c defaults to deny. */
  readonly denyDefaults: number;
  /** Bit exe*8 + placement*4 + identity kind per subject shape in use. */
  readonly shapes: number;
  /** Bit (1 << level) per cgroup level some placement names. */
  readonly cgroupLevels: number;
}

export function encodeConfig(c: PwConfig): Buffer {
  const L = CONFIG_LAYOUT;
  const b = Buffer.alloc(CONFIG_SIZE);
  b.writeUInt32LE(c.auditMode ? 1 : 0, L.audit_mode);
  b.writeUInt32LE(c.denyDefaults >>> 0, L.deny_defaults);
  b.writeUInt32LE(c.shapes >>> 0, L.shapes);
  b.writeUInt32LE(c.cgroupLevels >>> 0, L.cgroup_levels);
  return b;
}

export function decodeConfig(b: Buffer): PwConfig {
  const L = CONFIG_LAYOUT;
  return {
    auditMode: b.readUInt32LE(L.audit_mode) !== 0,
    denyDefaults: b.readUInt32LE(L.deny_defaults),
    shapes: b.readUInt32LE(L.shapes),
    cgroupLevels: b.readUInt32LE(L.cgroup_levels),
  };
}

/** The shape bit of a subject key. */
export function shapeBit(exe: boolean, place: boolean, identKind: number): number {
  return 1 << ((exe ? 8 : 0) + (place ? 4 : 0) + identKind);
}
