// The qemu command line for one test-VM boot. Pure data, so tests can check
// what the guest is promised without booting it.
import type { Accel } from "./accel.js";
import { JOB_TAG, ROOT_TAG } from "./guest-init.js";

export const QEMU = "qemu-system-x86_64";
/** BPF LSM is not in Debian's default lsm= list; landlock and lockdown stay for realism. */
export const GUEST_LSM = "lockdown,capability,landlock,bpf";

export interface BootSpec {
  readonly kernel: string;
  readonly initrd: string;
  readonly accel: Accel;
  /** Host directory shared read-write with the guest for the job and its results. */
  readonly jobDir: string;
  /** Host file receiving the serial console (kernel messages and init progress). */
  readonly consoleLog: string;
  readonly memoryMiB?: number;
  readonly cpus?: number;
  /** Firmware image; qboot starts faster than the default SeaBIOS. */
  readonly bios?: string;
}

/** qemu's option parser splits on ",", and ",," is a literal comma. */
export function qemuEscape(value: string): string {
  return value.replace(/,/g, ",,");
}

export function kernelCommandLine(): string {
  return [
    "console=ttyS0",
    "quiet",
    "panic=-1", // reboot at once on panic, which -no-reboot turns into a qemu exit
    "mitigations=off", // speculative-execution workarounds only slow down an emulated CPU
    `lsm=${GUEST_LSM}`,
    "rdinit=/init",
  ].join(" ");
}

function virtfs(path: string, tag: string, readonly: boolean): string {
  return [
    `local,path=${qemuEscape(path)}`,
    `mount_tag=${tag}`,
    "security_model=none",
    readonly ? "readonly=on" : "",
    "multidevs=remap",
  ]
    .filter((s) => s !== "")
    .join(",");
}

export function qemuArgs(spec: BootSpec): string[] {
  return [
    ...["-accel", spec.accel, "-cpu", "max", "-machine", "pc"],
    ...["-smp", String(spec.cpus ?? 2), "-m", String(spec.memoryMiB ?? 2048)],
    ...["-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"],
    ...(spec.bios === undefined ? [] : ["-bios", spec.bios]),
    ...["-kernel", spec.kernel, "-initrd", spec.initrd, "-append", kernelCommandLine()],
    ...[
      "-chardev",
      `file,id=console,path=${qemuEscape(spec.consoleLog)}`,
      "-serial",
      "chardev:console",
    ],
    ...["-virtfs", virtfs("/", ROOT_TAG, true)],
    ...["-virtfs", virtfs(spec.jobDir, JOB_TAG, false)],
  ];
}
