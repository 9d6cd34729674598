// Turns Debian's compressed bzImage into an ELF vmlinux that qemu boots through
// the PVH entry point. Under TCG the kernel's own xz decompressor takes seconds
// on every boot; doing it once at prepare time removes that from every run.
import { closeSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import { execOk, exec } from "./exec.js";
import { shellQuote } from "./guest-init.js";

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

/** Offset of the xz payload inside a bzImage, or -1. */
export function findXzPayload(image: Buffer): number {
  return image.indexOf(XZ_MAGIC);
}

export function supportsPvh(kernelConfig: string): boolean {
  return /^CONFIG_PVH=y$/m.test(kernelConfig);
}

function isElf(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the uncompressed kernel to `out` and returns it, or returns the bzImage
 * itself when the kernel cannot boot that way (no PVH, or not xz-compressed).
 */
export async function bootableKernel(
  bzImage: string,
  configFile: string,
  out: string,
): Promise<string> {
  if (!supportsPvh(readFileSync(configFile, "utf8"))) return bzImage;
  const offset = findXzPayload(readFileSync(bzImage));
  if (offset < 0) return bzImage;
  const tool = await exec("xz", ["--version"], { pkg: "xz-utils" });
  if (tool.code !== 0) return bzImage;
  const cmd = `tail -c +${offset + 1} ${shellQuote(bzImage)} | xz -dc --single-stream > ${shellQuote(out)}`;
  await execOk("decompress kernel", "sh", ["-c", cmd]);
  if (isElf(out)) return out;
  rmSync(out, { force: true });
  return bzImage;
}
