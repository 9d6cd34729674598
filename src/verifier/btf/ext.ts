// .BTF.ext: per-ELF-section func_info, line_info and CO-RE relocation
// records. Instruction offsets are in bytes from the start of the section, as
// clang writes them (libbpf converts them to instruction indexes at load).
import { ByteView } from "../elf/byte-view.js";
import { catchInput, failInput, type Result } from "../elf/issue.js";
import type { Btf } from "./btf.js";
import { BTF_MAGIC } from "./header.js";

export interface FuncInfo {
  readonly insnOff: number;
  readonly typeId: number;
}

export interface LineInfo {
  readonly insnOff: number;
  readonly fileName: string;
  /** The source line's text as clang recorded it. */
  readonly lineText: string;
  readonly line: number;
  readonly column: number;
}

export type CoreReloKind =
  | "field_byte_offset"
  | "field_byte_size"
  | "field_exists"
  | "field_signed"
  | "field_lshift_u64"
  | "field_rshift_u64"
  | "type_id_local"
  | "type_id_target"
  | "type_exists"
  | "type_size"
  | "enumval_exists"
  | "enumval_value"
  | "type_matches";

const CORE_KINDS: readonly CoreReloKind[] = [
  "field_byte_offset",
  "field_byte_size",
  "field_exists",
  "field_signed",
  "field_lshift_u64",
  "field_rshift_u64",
  "type_id_local",
  "type_id_target",
  "type_exists",
  "type_size",
  "enumval_exists",
  "enumval_value",
  "type_matches",
];

export interface CoreRelo {
  readonly insnOff: number;
  readonly typeId: number;
  /** Member indexes through the type, e.g. "0:1:0". */
  readonly accessStr: string;
  readonly kind: CoreReloKind;
}

export interface BtfExtSection<T> {
  readonly section: string;
  readonly records: readonly T[];
}

export interface BtfExt {
  readonly funcInfo: readonly BtfExtSection<FuncInfo>[];
  readonly lineInfo: readonly BtfExtSection<LineInfo>[];
  readonly coreRelos: readonly BtfExtSection<CoreRelo>[];
}

type RecordReader<T> = (v: ByteView, at: number, field: string) => T;

/** `btf` is the object's .BTF, whose string section the records name into. */
export function readBtfExt(bytes: Buffer, btf: Btf): Result<BtfExt> {
  return catchInput(() => parseBtfExt(new ByteView(bytes, "read btf.ext"), btf));
}

export function parseBtfExt(v: ByteView, btf: Btf): BtfExt {
  const magic = v.u16(0, "magic");
  if (magic !== BTF_MAGIC)
    failInput(
      v.step,
      "bad-magic",
      "magic",
      v.base,
      `magic is 0x${magic.toString(16)}, want 0xeb9f`,
    );
  const version = v.u8(2, "version");
  if (version !== 1)
    failInput(v.step, "bad-version", "version", v.base + 2, `version is ${version}, want 1`);
  const hdrLen = v.u32(4, "hdr_len");
  const str = (off: number, field: string, at: number): string =>
    btf.strings.get(off, field, v.base + at);
  const block = <T>(
    hdrField: number,
    name: string,
    minRec: number,
    read: RecordReader<T>,
  ): BtfExtSection<T>[] =>
    hdrLen >= hdrField + 8
      ? readBlock(
          v,
          hdrLen + v.u32(hdrField, `${name}_off`),
          v.u32(hdrField + 4, `${name}_len`),
          name,
          minRec,
          read,
        )
      : [];
  return {
    funcInfo: block(8, "func_info", 8, (r, at) => ({
      insnOff: r.u32(at, "insn_off"),
      typeId: r.u32(at + 4, "type_id"),
    })),
    lineInfo: block(16, "line_info", 16, (r, at, f) => {
      const lineCol = r.u32(at + 12, `${f}.line_col`);
      return {
        insnOff: r.u32(at, `${f}.insn_off`),
        fileName: str(r.u32(at + 4, `${f}.file_name_off`), `${f}.file_name_off`, at + 4),
        lineText: str(r.u32(at + 8, `${f}.line_off`), `${f}.line_off`, at + 8),
        line: lineCol >>> 10,
        column: lineCol & 0x3ff,
      };
    }),
    coreRelos: block(24, "core_relo", 16, (r, at, f) => ({
      insnOff: r.u32(at, `${f}.insn_off`),
      typeId: r.u32(at + 4, `${f}.type_id`),
      accessStr: str(r.u32(at + 8, `${f}.access_str_off`), `${f}.access_str_off`, at + 8),
      kind: coreKind(r, at + 12, `${f}.kind`),
    })),
  };

  function readBlock<T>(
    v: ByteView,
    start: number,
    len: number,
    name: string,
    minRec: number,
    read: RecordReader<T>,
  ): BtfExtSection<T>[] {
    if (len === 0) return [];
    const recSize = v.u32(start, `${name}.rec_size`);
    if (recSize < minRec)
      failInput(
        v.step,
        "bad-entry-size",
        `${name}.rec_size`,
        v.base + start,
        `record size ${recSize} is below ${minRec}`,
      );
    const out: BtfExtSection<T>[] = [];
    const end = start + len;
    v.need(start, len, `${name}_len`);
    for (let at = start + 4; at < end;) {
      const section = str(v.u32(at, `${name}.sec_name_off`), `${name}.sec_name_off`, at);
      const count = v.u32(at + 4, `${name}.num_info`);
      v.need(at + 8, count * recSize, `${name}[${section}].num_info`);
      if (at + 8 + count * recSize > end)
        failInput(
          v.step,
          "truncated",
          `${name}[${section}].num_info`,
          v.base + at + 4,
          `${count} records overrun the ${name} block`,
        );
      const records = Array.from({ length: count }, (_, i) =>
        read(v, at + 8 + i * recSize, `${name}[${section}][${i}]`),
      );
      out.push({ section, records });
      at += 8 + count * recSize;
    }
    return out;
  }
}

function coreKind(v: ByteView, at: number, field: string): CoreReloKind {
  const n = v.u32(at, field);
  const k = CORE_KINDS[n];
  if (k === undefined)
    failInput(v.step, "bad-kind", field, v.base + at, `unknown co-re relocation kind ${n}`);
  return k;
}
