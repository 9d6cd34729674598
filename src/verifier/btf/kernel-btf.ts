// The kernel BTF that hook signatures come from. A proof is about the hook
// prototypes of one kernel: an LSM program's context is (parameters + 1) × 8
// bytes of the target kernel's bpf_lsm_<hook>, and a hook that gained or lost
// a parameter between kernels moves the prior verdict to another slot. By
// default that kernel is the running one (/sys/kernel/btf/vmlinux); a build
// machine proves for its deployment kernel by naming that kernel's BTF: a raw
// BTF file (what /sys/kernel/btf/vmlinux holds) or an ELF vmlinux, whose .BTF
// section is read.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { readSectionOfAnyElf } from "../elf/index.js";
import { readBtf, type Btf } from "./btf.js";

export const RUNNING_KERNEL_BTF = "/sys/kernel/btf/vmlinux";

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** The raw BTF bytes of a raw BTF file or of a vmlinux's .BTF; throws naming the file. */
export function kernelBtfBytes(path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`kernel btf ${path}: ${(e as { code?: string }).code ?? String(e)}`);
  }
  if (bytes.subarray(0, 4).equals(ELF_MAGIC)) {
    const section = readSectionOfAnyElf(bytes, ".BTF");
    if (section.kind === "error")
      throw new Error(`kernel btf ${path}: ${section.issues[0]?.message ?? "not a readable ELF"}`);
    if (section.value === undefined)
      throw new Error(
        `kernel btf ${path}: the ELF file has no .BTF section (CONFIG_DEBUG_INFO_BTF)`,
      );
    bytes = section.value;
  }
  return bytes;
}

const hash = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Kernel BTF and the sha256 of its raw bytes, from one read of the file. */
interface LoadedBtf {
  readonly btf: Btf;
  readonly sha256: string;
}

function loadKernelBtf(path: string): LoadedBtf {
  const bytes = kernelBtfBytes(path);
  const btf = readBtf(bytes);
  if (btf.kind === "error")
    throw new Error(`kernel btf ${path}: ${btf.issues[0]?.field}: ${btf.issues[0]?.message}`);
  return { btf: btf.value, sha256: hash(bytes) };
}

/** Reads kernel BTF from a raw BTF file or a vmlinux; throws naming the file and what is wrong. */
export function readKernelBtf(path: string): Btf {
  return loadKernelBtf(path).btf;
}

let source = RUNNING_KERNEL_BTF;
let cached: { readonly path: string; readonly loaded: LoadedBtf | undefined } | undefined;

/** Makes `path` the kernel BTF of every proof in this process (the CLI's --kernel-btf). */
export function useKernelBtf(path: string): void {
  // Read now, to fail naming the file rather than in the middle of a proof.
  cached = { path, loaded: loadKernelBtf(path) };
  source = path;
}

/** Where the kernel BTF in use comes from. */
export function kernelBtfSource(): string {
  return source;
}

/** The kernel BTF in use, read once; undefined when the running kernel exposes none. */
function loaded(): LoadedBtf | undefined {
  if (cached?.path !== source) {
    const none = source === RUNNING_KERNEL_BTF && !existsSync(source);
    cached = { path: source, loaded: none ? undefined : loadKernelBtf(source) };
  }
  return cached.loaded;
}

/**
 * The kernel BTF in use; undefined when the default (running kernel) exposes
 * none. A file named with useKernelBtf() must be readable.
 */
export function kernelBtf(): Btf | undefined {
  return loaded()?.btf;
}

/** Which kernel a proof's hook signatures came from: the sha256 of its raw BTF. */
export interface KernelBtfIdentity {
  readonly source: string;
  readonly sha256: string;
}

/** The identity of the kernel BTF in use, or null when there is none. */
export function kernelBtfIdentity(): KernelBtfIdentity | null {
  const l = loaded();
  return l === undefined ? null : { source, sha256: l.sha256 };
}

/** The sha256 of the running kernel's BTF, or null when it exposes none. */
export function runningKernelBtfSha256(): string | null {
  return existsSync(RUNNING_KERNEL_BTF) ? hash(readFileSync(RUNNING_KERNEL_BTF)) : null;
}
