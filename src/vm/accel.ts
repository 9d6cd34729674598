// Chooses qemu's accelerator. /dev/kvm can exist and still hang on the first
// vCPU instruction (nested virtualization gone wrong), so KVM is used only after
// a tiny guest has proved it runs; the verdict is cached per host kernel.
import { spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import { vmCacheDir } from "./paths.js";

export type Accel = "kvm" | "tcg";

const PROBE_PORT = 0xf4;
const PROBE_VALUE = 0x31;
/** isa-debug-exit makes qemu exit with (value << 1) | 1. */
export const PROBE_EXIT_CODE = (PROBE_VALUE << 1) | 1;

/**
 * A multiboot image ("a.out kludge", so no ELF needed) whose whole program is
 * `mov al, 0x31; out 0xf4, al; hlt`: if qemu exits with the probe code, the
 * accelerator really executed guest code.
 */
export function probeKernel(): Buffer {
  const base = 0x100000;
  const magic = 0x1badb002;
  const flags = 0x00010000;
  const header = [magic, flags, -(magic + flags) >>> 0, base, base, 0, 0, base + 32];
  const buf = Buffer.alloc(48);
  header.forEach((v, i) => buf.writeUInt32LE(v, i * 4));
  Buffer.from([0xb0, PROBE_VALUE, 0xe6, PROBE_PORT, 0xf4, 0xeb, 0xfd]).copy(buf, 32);
  return buf;
}

export function qemuProbeArgs(accel: Accel, kernel: string): string[] {
  return [
    ...["-accel", accel, "-cpu", "max", "-machine", "pc", "-m", "64"],
    ...["-nodefaults", "-no-user-config", "-display", "none"],
    ...[
      "-device",
      `isa-debug-exit,iobase=0x${PROBE_PORT.toString(16)},iosize=0x04`,
      "-kernel",
      kernel,
    ],
  ];
}

/** Runs the probe guest; true only if it exits with the probe code within the timeout. */
export function probeAccel(accel: Accel, kernel: string, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn("qemu-system-x86_64", qemuProbeArgs(accel, kernel), { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", () => resolve(false));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(code === PROBE_EXIT_CODE);
    });
  });
}

function kvmUsable(): boolean {
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** PROOFWALL_VM_ACCEL=kvm|tcg wins; otherwise KVM if the cached or fresh probe says it works. */
export async function chooseAccel(env: NodeJS.ProcessEnv = process.env): Promise<Accel> {
  const forced = env["PROOFWALL_VM_ACCEL"];
  if (forced === "kvm" || forced === "tcg") return forced;
  if (!kvmUsable()) return "tcg";
  const dir = vmCacheDir(env);
  const cache = join(dir, `accel-${release()}.json`);
  try {
    const cached = JSON.parse(readFileSync(cache, "utf8")) as { accel: Accel };
    if (cached.accel === "kvm" || cached.accel === "tcg") return cached.accel;
  } catch {
    // no verdict yet
  }
  mkdirSync(dir, { recursive: true });
  const kernel = join(dir, "accel-probe.bin");
  writeFileSync(kernel, probeKernel());
  const accel: Accel = (await probeAccel("kvm", kernel)) ? "kvm" : "tcg";
  writeFileSync(cache, JSON.stringify({ accel, probedAt: new Date().toISOString() }));
  return accel;
}
