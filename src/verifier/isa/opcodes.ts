// Numeric fields of the eBPF opcode byte (RFC 9669 section 3). Kept apart from
// the semantic union so that decode and encode share one source of truth.

export const CLASS = {
  LD: 0x0,
  LDX: 0x1,
  ST: 0x2,
  STX: 0x3,
  ALU: 0x4,
  JMP: 0x5,
  JMP32: 0x6,
  ALU64: 0x7,
} as const;

/** Source bit of arithmetic and jump opcodes: K uses imm, X uses the src register. */
export const SRC_K = 0x0;
export const SRC_X = 0x8;

export const ALU_CODE = {
  add: 0x0,
  sub: 0x1,
  mul: 0x2,
  div: 0x3,
  or: 0x4,
  and: 0x5,
  lsh: 0x6,
  rsh: 0x7,
  neg: 0x8,
  mod: 0x9,
  xor: 0xa,
  mov: 0xb,
  arsh: 0xc,
  end: 0xd,
} as const;

export const JMP_CODE = {
  ja: 0x0,
  jeq: 0x1,
  jgt: 0x2,
  jge: 0x3,
  jset: 0x4,
  jne: 0x5,
  jsgt: 0x6,
  jsge: 0x7,
  call: 0x8,
  exit: 0x9,
  jlt: 0xa,
  jle: 0xb,
  jslt: 0xc,
  jsle: 0xd,
} as const;

/** Memory access size field (bits 3-4) of load/store opcodes. */
export const SIZE_CODE = { 4: 0x00, 2: 0x08, 1: 0x10, 8: 0x18 } as const;

/** Mode field (bits 5-7) of load/store opcodes. */
export const MODE = {
  IMM: 0x00,
  ABS: 0x20,
  IND: 0x40,
  MEM: 0x60,
  MEMSX: 0x80,
  ATOMIC: 0xc0,
} as const;

/** imm field of atomic instructions (RFC 9669 section 5.3). */
export const ATOMIC_FETCH = 0x01;
export const ATOMIC_CODE = {
  add: 0x00,
  or: 0x40,
  and: 0x50,
  xor: 0xa0,
  xchg: 0xe0 | ATOMIC_FETCH,
  cmpxchg: 0xf0 | ATOMIC_FETCH,
} as const;

export const opClass = (opcode: number): number => opcode & 0x07;
export const opSource = (opcode: number): number => opcode & 0x08;
export const opCode = (opcode: number): number => opcode >> 4;
export const opSize = (opcode: number): number => opcode & 0x18;
export const opMode = (opcode: number): number => opcode & 0xe0;
