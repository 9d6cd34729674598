// Prepares everything a boot needs (kernel + initramfs) in the cache, keyed by
// the kernel package version, so only the first run after a new Debian kernel
// downloads or builds anything. Builds happen in a private directory that is
// renamed into place, so concurrent runs never see half a cache entry.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { VmError } from "./errors.js";
import { execOk } from "./exec.js";
import { shellQuote } from "./guest-init.js";
import { BUSYBOX, buildInitramfs, initramfsKey } from "./initramfs.js";
import { bootableKernel } from "./kernel-image.js";
import {
  downloadKernelPackage,
  extractDeb,
  resolveKernelPackage,
  type KernelPackage,
} from "./kernel-package.js";
import { REQUIRED_MODULES, resolveModules } from "./modules.js";
import { vmCacheDir } from "./paths.js";

export interface VmImage {
  readonly pkg: KernelPackage;
  readonly kernel: string;
  readonly initrd: string;
}

interface Manifest {
  readonly kernel: string;
  readonly required: readonly string[];
  readonly modules: readonly { readonly name: string; readonly file: string }[];
}

type Log = (line: string) => void;

/** Copies a module out of the package, decompressing it: busybox insmod reads only plain .ko. */
async function copyModule(src: string, dest: string): Promise<void> {
  const tool = src.endsWith(".xz")
    ? "xz"
    : src.endsWith(".zst")
      ? "zstd"
      : src.endsWith(".gz")
        ? "gzip"
        : undefined;
  if (tool === undefined) return copyFileSync(src, dest);
  await execOk("decompress module", "sh", [
    "-c",
    `${tool} -dc ${shellQuote(src)} > ${shellQuote(dest)}`,
  ]);
}

async function buildKernelEntry(pkg: KernelPackage, dest: string, log: Log): Promise<void> {
  const work = mkdtempSync(join(vmCacheDir(), `.build-${pkg.release}-`));
  try {
    log(`vm: downloading ${pkg.name} ${pkg.version}`);
    const deb = await downloadKernelPackage(pkg, work);
    const root = join(work, "root");
    await extractDeb(deb, root);
    const out = join(work, "entry");
    mkdirSync(join(out, "modules"), { recursive: true });
    const bzImage = join(root, "boot", `vmlinuz-${pkg.release}`);
    if (!existsSync(bzImage))
      throw new VmError(
        "kernel-package-missing",
        `extract kernel package: ${pkg.name} has no /boot/vmlinuz-${pkg.release}`,
      );
    const kernel = await bootableKernel(
      bzImage,
      join(root, "boot", `config-${pkg.release}`),
      join(out, "vmlinux"),
    );
    if (kernel === bzImage) copyFileSync(bzImage, join(out, "vmlinuz"));
    const resolved = await resolveModules(join(root, "lib", "modules", pkg.release));
    const modules = [];
    for (const m of resolved.modules) {
      await copyModule(m.file, join(out, "modules", `${m.name}.ko`));
      modules.push({ name: m.name, file: `modules/${m.name}.ko` });
    }
    const manifest: Manifest = {
      kernel: kernel === bzImage ? "vmlinuz" : "vmlinux",
      required: REQUIRED_MODULES,
      modules,
    };
    writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2));
    rmSync(dest, { recursive: true, force: true });
    renameSync(out, dest);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function readManifest(dir: string): Manifest | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
    return m.required.join() === REQUIRED_MODULES.join() ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves the newest kernel and makes sure its boot files are in the cache. */
export async function prepareVmImage(log: Log = () => undefined): Promise<VmImage> {
  mkdirSync(vmCacheDir(), { recursive: true });
  const pkg = await resolveKernelPackage(log);
  const dir = join(vmCacheDir(), `${pkg.name}_${pkg.version}`);
  let manifest = readManifest(dir);
  if (manifest === undefined) {
    await buildKernelEntry(pkg, dir, log);
    manifest = readManifest(dir);
    if (manifest === undefined)
      throw new VmError("build-failed", `prepare kernel: no usable manifest in ${dir}`);
  }
  const input = {
    busybox: BUSYBOX,
    modules: manifest.modules.map((m) => ({ name: m.name, file: join(dir, m.file) })),
  };
  if (!existsSync(BUSYBOX))
    throw new VmError(
      "tool-missing",
      `build initramfs: ${BUSYBOX} not found (install busybox-static)`,
    );
  const initrd = join(dir, `initramfs-${initramfsKey(input)}.cpio`);
  if (!existsSync(initrd)) {
    log("vm: building initramfs");
    await buildInitramfs(input, initrd);
  }
  return { pkg, kernel: join(dir, manifest.kernel), initrd };
}
