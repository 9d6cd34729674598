// Decodes the BTF type section into BtfType records. This is the hot loop for
// vmlinux (~150k types), so each record is bounds-checked once and then read
// straight from a DataView; field names for issues are only built on failure.
import type { ByteView } from "../elf/byte-view.js";
import { failInput } from "../elf/issue.js";
import type { StringTable } from "../elf/string-table.js";
import {
  KIND_BY_NUMBER,
  type BtfKind,
  type BtfMember,
  type BtfType,
  type Linkage,
} from "./types.js";

const LINKAGES: readonly Linkage[] = ["static", "global", "extern"];

/** Bytes that follow the 12-byte btf_type header, per kind. */
function extraSize(kind: BtfKind, vlen: number): number {
  switch (kind) {
    case "int":
    case "var":
    case "decl_tag":
      return 4;
    case "array":
      return 12;
    case "struct":
    case "union":
    case "datasec":
    case "enum64":
      return vlen * 12;
    case "enum":
    case "func_proto":
      return vlen * 8;
    case "void":
    case "ptr":
    case "fwd":
    case "typedef":
    case "volatile":
    case "const":
    case "restrict":
    case "func":
    case "float":
    case "type_tag":
      return 0;
  }
}

interface Cursor {
  readonly dv: DataView;
  readonly view: ByteView;
  readonly strings: StringTable;
  /** Start of the record being decoded, relative to the view. */
  at: number;
  id: number;
}

/** Appends the decoded types to `out`, whose length is the first id. */
export function decodeTypes(view: ByteView, strings: StringTable, out: BtfType[]): void {
  const bytes = view.bytes;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const c: Cursor = { dv, view, strings, at: 0, id: out.length };
  while (c.at < bytes.length) {
    view.need(c.at, 12, `types[${c.id}]`);
    const info = dv.getUint32(c.at + 4, true);
    const kind = KIND_BY_NUMBER[(info >>> 24) & 0x1f];
    if (kind === undefined || kind === "void") {
      failInput(
        view.step,
        "bad-kind",
        `types[${c.id}].info`,
        view.base + c.at + 4,
        `unknown btf kind ${(info >>> 24) & 0x1f}`,
      );
    }
    const vlen = info & 0xffff;
    const len = 12 + extraSize(kind, vlen);
    view.need(c.at, len, `types[${c.id}]`);
    out.push(decodeOne(c, kind, vlen, (info & 0x80000000) !== 0));
    c.at += len;
    c.id++;
  }
}

function str(c: Cursor, off: number, fieldOff: number, field: string): string {
  const s = c.strings.tryGet(off);
  if (s !== undefined) return s;
  return c.strings.get(off, `types[${c.id}].${field}`, c.view.base + fieldOff);
}

function u32(c: Cursor, rel: number): number {
  return c.dv.getUint32(c.at + rel, true);
}

function decodeOne(c: Cursor, kind: BtfKind, vlen: number, kflag: boolean): BtfType {
  const id = c.id;
  const name = str(c, u32(c, 0), c.at, "name_off");
  const sizeOrType = u32(c, 8);
  switch (kind) {
    case "int": {
      const enc = u32(c, 12);
      const e = enc >>> 24;
      return {
        kind,
        id,
        name,
        size: sizeOrType,
        signed: (e & 1) !== 0,
        char: (e & 2) !== 0,
        bool: (e & 4) !== 0,
        bitOffset: (enc >>> 16) & 0xff,
        bits: enc & 0xff,
      };
    }
    case "ptr":
    case "typedef":
    case "volatile":
    case "const":
    case "restrict":
    case "type_tag":
      return { kind, id, name, type: sizeOrType };
    case "array":
      return { kind, id, name, type: u32(c, 12), indexType: u32(c, 16), nelems: u32(c, 20) };
    case "struct":
    case "union":
      return { kind, id, name, size: sizeOrType, members: members(c, vlen, kflag) };
    case "enum":
      return {
        kind,
        id,
        name,
        size: sizeOrType,
        signed: kflag,
        values: enumValues(c, vlen, kflag),
      };
    case "enum64":
      return {
        kind,
        id,
        name,
        size: sizeOrType,
        signed: kflag,
        values: enum64Values(c, vlen, kflag),
      };
    case "fwd":
      return { kind, id, name, fwdKind: kflag ? "union" : "struct" };
    case "func":
      return { kind, id, name, type: sizeOrType, linkage: linkage(c, vlen, 4) };
    case "func_proto":
      return { kind, id, name, returnType: sizeOrType, params: params(c, vlen) };
    case "var":
      return { kind, id, name, type: sizeOrType, linkage: linkage(c, u32(c, 12), 12) };
    case "datasec":
      return { kind, id, name, size: sizeOrType, vars: secinfos(c, vlen) };
    case "float":
      return { kind, id, name, size: sizeOrType };
    case "decl_tag":
      return { kind, id, name, type: sizeOrType, componentIdx: c.dv.getInt32(c.at + 12, true) };
    case "void":
      return { kind, id, name };
  }
}

function linkage(c: Cursor, n: number, rel: number): Linkage {
  const l = LINKAGES[n];
  if (l === undefined)
    failInput(
      c.view.step,
      "bad-value",
      `types[${c.id}].linkage`,
      c.view.base + c.at + rel,
      `linkage ${n} is not 0, 1 or 2`,
    );
  return l;
}

function members(c: Cursor, vlen: number, kflag: boolean): BtfMember[] {
  const out: BtfMember[] = new Array<BtfMember>(vlen);
  for (let i = 0; i < vlen; i++) {
    const rel = 12 + i * 12;
    const off = u32(c, rel + 8);
    out[i] = {
      name: str(c, u32(c, rel), c.at + rel, `members[${i}].name_off`),
      type: u32(c, rel + 4),
      bitOffset: kflag ? off & 0xffffff : off,
      bitfieldSize: kflag ? off >>> 24 : 0,
    };
  }
  return out;
}

function enumValues(c: Cursor, vlen: number, signed: boolean): { name: string; value: number }[] {
  return Array.from({ length: vlen }, (_, i) => {
    const rel = 12 + i * 8;
    const value = signed ? c.dv.getInt32(c.at + rel + 4, true) : u32(c, rel + 4);
    return { name: str(c, u32(c, rel), c.at + rel, `values[${i}].name_off`), value };
  });
}

function enum64Values(c: Cursor, vlen: number, signed: boolean): { name: string; value: bigint }[] {
  return Array.from({ length: vlen }, (_, i) => {
    const rel = 12 + i * 12;
    const raw = (BigInt(u32(c, rel + 8)) << 32n) | BigInt(u32(c, rel + 4));
    return {
      name: str(c, u32(c, rel), c.at + rel, `values[${i}].name_off`),
      value: signed ? BigInt.asIntN(64, raw) : raw,
    };
  });
}

function params(c: Cursor, vlen: number): { name: string; type: number }[] {
  return Array.from({ length: vlen }, (_, i) => {
    const rel = 12 + i * 8;
    return {
      name: str(c, u32(c, rel), c.at + rel, `params[${i}].name_off`),
      type: u32(c, rel + 4),
    };
  });
}

function secinfos(c: Cursor, vlen: number): { type: number; offset: number; size: number }[] {
  return Array.from({ length: vlen }, (_, i) => {
    const rel = 12 + i * 12;
    return { type: u32(c, rel), offset: u32(c, rel + 4), size: u32(c, rel + 8) };
  });
}
