// Our verdict against the kernel's. Ours is "safe" when every non-lint
// obligation is proved and exploration finished; the kernel's is accept or
// reject with its log. A disagreement is classified: where we call safe what
// the kernel rejects, the kernel's reason decides whether it concerns memory
// safety (the one outcome that must not happen without an explanation).
import type { VerifyResult } from "../report/index.js";

export type KernelVerdict =
  { readonly kind: "accepted" } | { readonly kind: "rejected"; readonly reason: string };

export type Agreement =
  | { readonly kind: "agree"; readonly verdict: "safe" | "unsafe" }
  /** we flag it, the kernel loads it */
  | { readonly kind: "we-reject"; readonly why: string }
  /** we prove it, the kernel refuses it */
  | { readonly kind: "kernel-rejects"; readonly memorySafety: boolean; readonly why: string };

/** Kernel log lines that are about memory safety (bounds, NULL, uninit, pointer kinds). */
const MEMORY = [
  /invalid (mem|stack|read|write|indirect|access|bpf_context|size)/i,
  /out of bounds|outside of the allowed memory range|min value is negative|max value is outside/i,
  /invalid access to (map value|packet|memory)/i,
  // a helper given the wrong kind of pointer (or a number) for memory it reads or writes
  /!read_ok|R\d+ type=\S* expected=|invalid mem access/i,
  /(mem_or_null|map_value_or_null|ringbuf_mem_or_null)/i,
  /unbounded memory access|misaligned/i,
];

export const isMemorySafety = (reason: string): boolean => MEMORY.some((re) => re.test(reason));

/** The line of a kernel log that states why: the last non-empty line before the stats line. */
export function kernelReason(log: string): string {
  const lines = log
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("processed ") && !l.startsWith("-- verifier log"));
  return lines.at(-1) ?? "(no verifier log)";
}

/** Why libbpf refused an object before the kernel saw it: a CO-RE relocation line, else the last. */
export function loaderReason(message: string): string {
  const lines = message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  return lines.find((l) => /relo #\d+: unexpected insn/.test(l)) ?? lines.at(-1) ?? message;
}

export interface Ours {
  readonly safe: boolean;
  /** what is not proved, when not safe */
  readonly why: string;
}

export function ourVerdict(r: VerifyResult): Ours {
  const bad = r.programs.flatMap((p) => [
    ...(p.error ? [`${p.name}: ${p.error}`] : []),
    ...(p.truncated ? [`${p.name}: truncated`] : []),
    ...p.obligations
      .filter((o) => !o.lint && o.status !== "proved")
      .map((o) => `${o.kind}/${o.status}`),
  ]);
  return { safe: bad.length === 0, why: [...new Set(bad)].join(", ") };
}

export function compare({ safe, why }: Ours, kernel: KernelVerdict): Agreement {
  if (safe && kernel.kind === "accepted") return { kind: "agree", verdict: "safe" };
  if (!safe && kernel.kind === "rejected") return { kind: "agree", verdict: "unsafe" };
  if (!safe) return { kind: "we-reject", why };
  const reason = kernel.kind === "rejected" ? kernel.reason : "";
  return { kind: "kernel-rejects", memorySafety: isMemorySafety(reason), why: reason };
}
