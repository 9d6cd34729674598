// Finds, downloads and unpacks Debian's own 6.1 kernel for the guest. The newest
// ABI is resolved at run time because the archive drops old point releases, so
// pinning a version would break fresh machines within weeks.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { VmError } from "./errors.js";
import { exec, execOk } from "./exec.js";

export interface KernelPackage {
  /** e.g. "linux-image-6.1.0-56-amd64" */
  readonly name: string;
  /** Debian version, e.g. "6.1.192-2" */
  readonly version: string;
  /** Kernel release (the modules directory name), e.g. "6.1.0-56-amd64" */
  readonly release: string;
  readonly abi: number;
}

const NAME = /^linux-image-(6\.1\.0-(\d+)-amd64)$/;
const APT_PATTERN = "^linux-image-6\\.1\\.0-[0-9]+-amd64$";

/** Parses `apt-cache policy <pkgs>` into package name → candidate version (absent if "(none)"). */
export function parseAptPolicy(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split("\n")) {
    const head = /^(\S+):$/.exec(line);
    if (head?.[1] !== undefined) {
      current = head[1];
      continue;
    }
    const cand = /^\s+Candidate:\s+(\S+)/.exec(line);
    if (cand?.[1] !== undefined && current !== undefined && cand[1] !== "(none)")
      out.set(current, cand[1]);
  }
  return out;
}

/** The installable generic 6.1 image with the highest ABI number; flavours like -rt or -cloud never match. */
export function pickNewestKernel(
  candidates: ReadonlyMap<string, string>,
): KernelPackage | undefined {
  let best: KernelPackage | undefined;
  for (const [name, version] of candidates) {
    const m = NAME.exec(name);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    const abi = Number(m[2]);
    if (best === undefined || abi > best.abi) best = { name, version, release: m[1], abi };
  }
  return best;
}

async function queryApt(): Promise<KernelPackage | undefined> {
  const r = await exec("apt-cache", ["policy", APT_PATTERN], { pkg: "apt" });
  return pickNewestKernel(parseAptPolicy(r.stdout));
}

export interface AptAccess {
  readonly query: () => Promise<KernelPackage | undefined>;
  readonly update: () => Promise<unknown>;
}

const realApt: AptAccess = {
  query: queryApt,
  update: () => exec("apt-get", ["update", "-qq"], { pkg: "apt" }),
};

/** Resolves the newest kernel package, refreshing the apt lists once if none is known. */
export async function resolveKernelPackage(
  log: (line: string) => void = () => undefined,
  apt: AptAccess = realApt,
): Promise<KernelPackage> {
  const first = await apt.query();
  if (first) return first;
  log("vm: no linux-image-6.1.0-*-amd64 in the apt lists; running apt-get update");
  await apt.update();
  const second = await apt.query();
  if (second) return second;
  throw new VmError(
    "kernel-package-missing",
    "resolve kernel package: apt-cache knows no linux-image-6.1.0-NN-amd64 package; " +
      "enable Debian bookworm (and bookworm-security) in /etc/apt/sources.list and run apt-get update",
  );
}

/** Downloads the exact package version into `dir` and returns the .deb path. */
export async function downloadKernelPackage(pkg: KernelPackage, dir: string): Promise<string> {
  const r = await exec("apt-get", ["download", `${pkg.name}=${pkg.version}`], {
    cwd: dir,
    pkg: "apt",
  });
  const deb = readdirSync(dir).find((f) => f.startsWith(`${pkg.name}_`) && f.endsWith(".deb"));
  if (r.code !== 0 || deb === undefined) {
    throw new VmError(
      "kernel-package-missing",
      `download kernel package: apt-get download ${pkg.name}=${pkg.version} failed: ${r.stderr.trim()}; ` +
        "run apt-get update and retry",
    );
  }
  return join(dir, deb);
}

export async function extractDeb(deb: string, dir: string): Promise<void> {
  await execOk("extract kernel package", "dpkg-deb", ["-x", deb, dir], { pkg: "dpkg" });
}
