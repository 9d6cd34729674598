// Packs the guest's initramfs: static busybox, the modules in load order and the
// two init stages. It is uncompressed on purpose: under TCG, decompressing costs
// more boot time than reading a few extra megabytes from host memory.
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { execOk } from "./exec.js";
import { stage1Script, stage2Script } from "./guest-init.js";

export const BUSYBOX = "/bin/busybox";

export interface InitramfsInput {
  readonly busybox: string;
  /** Plain (uncompressed) .ko files in load order. */
  readonly modules: readonly { readonly name: string; readonly file: string }[];
}

/** Names the archive by everything that goes into it, so a changed init script rebuilds it. */
export function initramfsKey(input: InitramfsInput): string {
  const h = createHash("sha256");
  h.update(stage1Script()).update(stage2Script());
  const bb = statSync(input.busybox);
  h.update(`${bb.size}:${bb.mtimeMs}`);
  for (const m of input.modules) h.update(`${m.name}:${statSync(m.file).size}\n`);
  return h.digest("hex").slice(0, 16);
}

function listTree(root: string): string[] {
  return ["."].concat(readdirSync(root, { recursive: true }).map((p) => `./${String(p)}`)).sort();
}

export async function buildInitramfs(input: InitramfsInput, out: string): Promise<void> {
  const stage = mkdtempSync(join(dirname(out), ".initramfs-"));
  try {
    for (const d of ["bin", "lib/modules", "proc", "sys", "dev", "lower", "rw", "newroot"]) {
      mkdirSync(join(stage, d), { recursive: true });
    }
    copyFileSync(input.busybox, join(stage, "bin/busybox"));
    chmodSync(join(stage, "bin/busybox"), 0o755);
    for (const m of input.modules) copyFileSync(m.file, join(stage, "lib/modules", `${m.name}.ko`));
    writeFileSync(
      join(stage, "lib/modules/order"),
      input.modules.map((m) => `${m.name}\n`).join(""),
    );
    writeFileSync(join(stage, "init"), stage1Script(), { mode: 0o755 });
    writeFileSync(join(stage, "stage2"), stage2Script(), { mode: 0o644 });
    const tmp = `${out}.tmp-${process.pid}`;
    await execOk("build initramfs", "cpio", ["-o", "-H", "newc", "--quiet", "-O", tmp], {
      cwd: stage,
      input: listTree(stage).join("\n") + "\n",
      pkg: "cpio",
    });
    renameSync(tmp, out);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
