// What the enforce programs must know about the running kernel that CO-RE
// cannot relocate: hook argument lists that changed between versions, and
// which optional hooks exist. Read from the kernel's own BTF (the
// bpf_lsm_<hook> prototypes).
import { readBtf } from "../verifier/btf/index.js";
import { kernelBtfBytes } from "../verifier/btf/kernel-btf.js";
import { lsmHook } from "../verifier/btf/lsm.js";

export interface KernelShape {
  /** Index of the dentry argument of inode_setattr (an idmap came first since 6.x). */
  readonly setattrDentryArg: number;
  /** Context slot of security_bpf's prior verdict: its argument count (a `bool kernel` came last since 6.x). */
  readonly bpfVerdictArg: number;
  /** Which of PATH_HOOKS this kernel has: all of them with CONFIG_SECURITY_PATH, none without. */
  readonly pathHooks: ReadonlySet<string>;
}

/** The path_* hooks of enforce_file: each only tells an inode hook the mount (bpf/include/pw_mount_hint.h). */
export const PATH_HOOKS = [
  "path_mknod",
  "path_mkdir",
  "path_symlink",
  "path_unlink",
  "path_rmdir",
  "path_rename",
  "path_link",
  "path_chmod",
  "path_chown",
  "path_truncate",
] as const;

/** The shape of the kernel whose BTF is at path (raw BTF, or a vmlinux with .BTF). */
export function kernelShape(path = "/sys/kernel/btf/vmlinux"): KernelShape {
  const btf = readBtf(kernelBtfBytes(path));
  if (btf.kind !== "ok")
    throw new Error(`read kernel btf: ${btf.issues.map((i) => i.message).join("; ")}`);
  const hook = lsmHook(btf.value, "inode_setattr");
  const arg = hook?.params.findIndex((p) => p.name === "dentry") ?? -1;
  if (arg < 0) throw new Error("read kernel btf: inode_setattr has no dentry argument");
  const bpf = lsmHook(btf.value, "bpf");
  if (!bpf) throw new Error("read kernel btf: no bpf_lsm_bpf hook");
  const pathHooks = new Set<string>(PATH_HOOKS.filter((h) => lsmHook(btf.value, h)));
  return { setattrDentryArg: arg, bpfVerdictArg: bpf.params.length, pathHooks };
}

/**
 * Whether the program in `section` is loaded on this kernel. Only the path_*
 * hooks are optional: without them the inode hooks get no mount and their
 * walk ends at the root of the file's filesystem, as it did before they were
 * used. Every other hook is required, and its absence fails the load.
 */
export function programLoads(section: string, shape: KernelShape): boolean {
  const hook = section.replace(/^lsm\//, "");
  const optional = (PATH_HOOKS as readonly string[]).includes(hook);
  return !optional || shape.pathHooks.has(hook);
}

/**
 * The read-only settings the loader gives an object for this kernel,
 * before libbpf freezes them. `proofwall verify --rodata` with these verifies
 * the program the kernel will see.
 */
export function kernelRodata(object: string, shape: KernelShape): Record<string, bigint> {
  if (object === "enforce_file") return { setattr_dentry_arg: BigInt(shape.setattrDentryArg) };
  if (object === "self_protect") return { pw_bpf_verdict_arg: BigInt(shape.bpfVerdictArg) };
  return {};
}

/**
 * The settings to verify an object with: frozen as its loader freezes them
 * (an enforce object is frozen even with no kernel-derived setting, the
 * engine sets and freezes its `.rodata` all the same); undefined, left
 * unknown, for objects no loader sets anything in.
 */
export function loaderRodata(
  object: string,
  shape: KernelShape,
): ReadonlyMap<string, bigint> | undefined {
  const settings = Object.entries(kernelRodata(object, shape));
  if (settings.length === 0 && !object.startsWith("enforce_")) return undefined;
  return new Map(settings);
}
