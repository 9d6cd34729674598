// The BTF header (struct btf_header): magic, version and where the type and
// string sections sit, relative to the end of the header.
import type { ByteView } from "../elf/byte-view.js";
import { failInput } from "../elf/issue.js";

export const BTF_MAGIC = 0xeb9f;
const MIN_HEADER = 24;

export interface BtfHeader {
  readonly version: number;
  readonly flags: number;
  readonly hdrLen: number;
  readonly typeOff: number;
  readonly typeLen: number;
  readonly strOff: number;
  readonly strLen: number;
}

export function readBtfHeader(v: ByteView): BtfHeader {
  const magic = v.u16(0, "magic");
  if (magic !== BTF_MAGIC) {
    const hint = magic === 0x9feb ? " (big-endian btf is not supported)" : "";
    failInput(
      v.step,
      "bad-magic",
      "magic",
      v.base,
      `magic is 0x${magic.toString(16)}, want 0xeb9f${hint}`,
    );
  }
  const version = v.u8(2, "version");
  if (version !== 1)
    failInput(v.step, "bad-version", "version", v.base + 2, `version is ${version}, want 1`);
  const hdrLen = v.u32(4, "hdr_len");
  if (hdrLen < MIN_HEADER)
    failInput(
      v.step,
      "bad-value",
      "hdr_len",
      v.base + 4,
      `hdr_len is ${hdrLen}, want at least ${MIN_HEADER}`,
    );
  const h = {
    version,
    flags: v.u8(3, "flags"),
    hdrLen,
    typeOff: v.u32(8, "type_off"),
    typeLen: v.u32(12, "type_len"),
    strOff: v.u32(16, "str_off"),
    strLen: v.u32(20, "str_len"),
  };
  v.need(hdrLen + h.typeOff, h.typeLen, "type_len");
  v.need(hdrLen + h.strOff, h.strLen, "str_len");
  return h;
}
