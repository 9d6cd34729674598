// The facts `proofwall doctor` gathers. Each check reads the system through a
// SystemView, so tests can describe a machine without being on it.
import { KernelError } from "../kernel/errors.js";
import { PATH_HOOKS, type KernelShape } from "../enforce/kernel-shape.js";

export type CheckStatus = "ok" | "warn" | "fail";

export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface SystemView {
  /** File contents, or undefined when it cannot be read. */
  readText(path: string): string | undefined;
  exists(path: string): boolean;
  /** The running kernel's build config (/proc/config.gz or /boot/config-<release>). */
  kernelConfig(): string | undefined;
  libbpfVersion(): string | undefined;
  /** Loads (never attaches) an LSM program; returns undefined on success or the error. */
  probeLsmLoad(): Error | undefined;
  /** What the engine reads from the kernel's BTF, or the reason it cannot. */
  kernelShape(): KernelShape | Error;
}

const CAPS: ReadonlyArray<readonly [string, number]> = [
  ["CAP_SYS_ADMIN", 21],
  ["CAP_PERFMON", 38],
  ["CAP_BPF", 39],
];

export function checkLsmList(sys: SystemView): Check {
  const name = "BPF LSM active";
  const list = sys.readText("/sys/kernel/security/lsm")?.trim();
  if (list === undefined) {
    const cmdline = sys.readText("/proc/cmdline") ?? "";
    const lsm = /(?:^|\s)lsm=(\S+)/.exec(cmdline)?.[1];
    if (lsm)
      return {
        name,
        status: lsm.split(",").includes("bpf") ? "ok" : "fail",
        detail: `securityfs not mounted; boot line says lsm=${lsm}`,
      };
    return {
      name,
      status: "warn",
      detail:
        "securityfs is not mounted, so the active LSM list is unknown (mount -t securityfs securityfs /sys/kernel/security)",
    };
  }
  return list.split(",").includes("bpf")
    ? { name, status: "ok", detail: `active LSMs: ${list}` }
    : {
        name,
        status: "fail",
        detail: `bpf is not among the active LSMs (${list}); boot with lsm=...,bpf`,
      };
}

export function checkKernelConfig(sys: SystemView): Check {
  const name = "kernel built with BPF LSM";
  const config = sys.kernelConfig();
  if (config === undefined)
    return { name, status: "warn", detail: "no kernel config in /proc/config.gz or /boot" };
  return /^CONFIG_BPF_LSM=y$/m.test(config)
    ? { name, status: "ok", detail: "CONFIG_BPF_LSM=y" }
    : { name, status: "fail", detail: "CONFIG_BPF_LSM is not set in this kernel" };
}

export function checkBtf(sys: SystemView): Check {
  const name = "kernel BTF";
  return sys.exists("/sys/kernel/btf/vmlinux")
    ? { name, status: "ok", detail: "/sys/kernel/btf/vmlinux present (CO-RE works)" }
    : {
        name,
        status: "fail",
        detail: "/sys/kernel/btf/vmlinux missing: the kernel lacks CONFIG_DEBUG_INFO_BTF",
      };
}

export function checkLockdown(sys: SystemView): Check {
  const name = "lockdown";
  const text = sys.readText("/sys/kernel/security/lockdown");
  if (text === undefined)
    return {
      name,
      status: "warn",
      detail: "unknown (securityfs not mounted or lockdown LSM absent)",
    };
  const mode = /\[(\w+)\]/.exec(text)?.[1] ?? text.trim();
  return mode === "confidentiality"
    ? {
        name,
        status: "fail",
        detail: "confidentiality mode forbids BPF programs that read kernel memory",
      }
    : { name, status: "ok", detail: `mode ${mode}` };
}

export function checkCapabilities(sys: SystemView): Check {
  const name = "capabilities";
  const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(sys.readText("/proc/self/status") ?? "")?.[1];
  if (hex === undefined) return { name, status: "warn", detail: "cannot read CapEff" };
  const eff = BigInt(`0x${hex}`);
  const missing = CAPS.filter(([, bit]) => ((eff >> BigInt(bit)) & 1n) === 0n).map(([n]) => n);
  if (missing.length === 0) return { name, status: "ok", detail: CAPS.map(([n]) => n).join(", ") };
  const hasAdmin = !missing.includes("CAP_SYS_ADMIN");
  return hasAdmin
    ? {
        name,
        status: "ok",
        detail: `CAP_SYS_ADMIN (missing ${missing.join(", ")}, covered by CAP_SYS_ADMIN)`,
      }
    : { name, status: "fail", detail: `missing ${missing.join(", ")}: run as root` };
}

export function checkLibbpf(sys: SystemView): Check {
  const name = "libbpf";
  const version = sys.libbpfVersion();
  return version
    ? { name, status: "ok", detail: `libbpf.so.1 ${version}` }
    : { name, status: "fail", detail: "libbpf.so.1 not found: apt-get install libbpf1" };
}

export function checkLsmLoad(sys: SystemView): Check {
  const name = "kernel accepts an LSM program";
  const err = sys.probeLsmLoad();
  if (!err) return { name, status: "ok", detail: "loaded lsm/file_open (not attached)" };
  const code = err instanceof KernelError ? err.code : err.message;
  return { name, status: "fail", detail: `the kernel refused to load an LSM program (${code})` };
}

/** What a tree's create, delete, rename, link and setattr rules lose without the path_* hooks. */
const WITHOUT_PATH_HOOKS =
  "create, delete, rename, link and setattr rules stop at the root of the file's own filesystem: " +
  "a tree does not reach them on filesystems mounted beneath it (reads, writes and exec still cross); " +
  "name such mount points as trees of their own, or deny mounts";

/**
 * The path_* LSM hooks (CONFIG_SECURITY_PATH) hand the inode hooks the mount
 * an operation went through (bpf/include/pw_mount_hint.h). The engine loads
 * without them, so their absence warns and does not fail.
 */
export function checkPathHooks(sys: SystemView): Check {
  const name = "path_* LSM hooks";
  const shape = sys.kernelShape();
  if (shape instanceof Error)
    return {
      name,
      status: "warn",
      detail: `unknown (${shape.message}); without them ${WITHOUT_PATH_HOOKS}`,
    };
  const missing = PATH_HOOKS.filter((h) => !shape.pathHooks.has(h));
  if (missing.length === 0)
    return {
      name,
      status: "ok",
      detail: `all ${PATH_HOOKS.length} present (CONFIG_SECURITY_PATH): create, delete, rename, link and setattr rules on a tree reach filesystems mounted beneath it`,
    };
  const which =
    missing.length === PATH_HOOKS.length
      ? "none in the kernel's BTF (built without CONFIG_SECURITY_PATH)"
      : `missing ${missing.join(", ")}`;
  return { name, status: "warn", detail: `${which}: ${WITHOUT_PATH_HOOKS}` };
}

export function runChecks(sys: SystemView): Check[] {
  return [
    checkLsmList,
    checkKernelConfig,
    checkBtf,
    checkLockdown,
    checkCapabilities,
    checkLibbpf,
    checkLsmLoad,
    checkPathHooks,
  ].map((c) => c(sys));
}
