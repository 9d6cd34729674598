// Explains, from the serial console and qemu's own stderr, why a guest stopped
// without reporting an exit status.
import { STEP_PREFIX } from "./guest-init.js";

export function lastMatch(text: string, re: RegExp): string | undefined {
  let last: string | undefined;
  for (const m of text.matchAll(new RegExp(re.source, "gm"))) last = m[1];
  return last?.trim();
}

export interface BootEvidence {
  readonly console: string;
  readonly qemuStderr: string;
  readonly qemuExit: number | null;
  /** Set when qemu itself died of a signal (an assertion, a crash). */
  readonly qemuSignal?: string | null;
  /** Whether the guest reached the point of starting the command. */
  readonly started: boolean;
}

export function diagnoseBootFailure(e: BootEvidence): string {
  const esc = STEP_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const failed = lastMatch(e.console, new RegExp(`${esc} failed: (.*)$`));
  if (failed !== undefined) return `boot: init step "${failed}" failed`;
  const panic = lastMatch(e.console, /Kernel panic - not syncing: (.*)$/);
  if (panic !== undefined) return `boot: kernel panic: ${panic}`;
  if (e.started)
    return "run: the guest stopped after starting the command but before reporting its exit status";
  const step = lastMatch(e.console, new RegExp(`${esc} (.*)$`));
  if (step !== undefined) return `boot: the guest stopped during init step "${step}"`;
  const qemu = e.qemuStderr
    .trim()
    .split("\n")
    .filter((l) => !/warning:/.test(l))
    .slice(-3)
    .join("; ");
  const how = e.qemuSignal
    ? `was killed by ${e.qemuSignal}`
    : `exited with code ${String(e.qemuExit)}`;
  if (qemu !== "") return `boot: qemu ${how}: ${qemu}`;
  return `boot: the guest stopped before its init ran (qemu ${how})`;
}
