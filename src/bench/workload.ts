// Runs the native workload loops (bench/workload.c) and reads their ns/op.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { repoRoot } from "../paths.js";

const binary = join(repoRoot, "build", "bench", "workload");

export type Workload =
  | { readonly kind: "open"; readonly path: string; readonly iterations: number }
  | { readonly kind: "connect"; readonly iterations: number }
  | { readonly kind: "exec"; readonly iterations: number };

export function workloadName(w: Workload): string {
  return w.kind === "open" ? "open+close" : w.kind === "connect" ? "tcp connect" : "fork+exec";
}

function args(w: Workload): string[] {
  switch (w.kind) {
    case "open":
      return ["open", w.path, String(w.iterations)];
    case "connect":
      return ["connect", String(w.iterations)];
    case "exec":
      return ["exec", String(w.iterations)];
  }
}

/** Nanoseconds per iteration, as measured inside the loop. */
export async function runWorkload(w: Workload): Promise<number> {
  const { stdout: out } = await promisify(execFile)(binary, args(w), { encoding: "utf8" });
  const ns = Number(out.trim());
  if (!Number.isFinite(ns))
    throw new Error(`workload ${w.kind}: unexpected output ${JSON.stringify(out)}`);
  return ns;
}
