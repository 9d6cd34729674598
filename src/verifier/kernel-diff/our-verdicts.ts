// Our verdicts for the differential cases, computed on the host (natively,
// where the verifier is fast) by a pool of worker threads. An object that
// overruns its budget is stopped and reported as excluded, not guessed.
import { cpus } from "node:os";
import { Worker } from "node:worker_threads";
import type { DiffCase } from "./cases.js";
import type { WorkerAnswer, WorkerInput, WorkerJob } from "./verify-worker.js";

export type OurVerdict =
  | { readonly kind: "verdict"; readonly safe: boolean; readonly why: string; readonly ms: number }
  | { readonly kind: "excluded"; readonly why: string };

export interface PoolOptions {
  /** the kernel BTF file the proofs are about (the VM kernel's) */
  readonly kernelBtf: string;
  readonly budgetMs: number;
  readonly threads?: number;
  readonly onDone?: (c: DiffCase, v: OurVerdict) => void;
}

const workerUrl = new URL("./verify-worker.js", import.meta.url);

function startWorker(kernelBtf: string): Worker {
  const input: WorkerInput = { kernelBtf };
  return new Worker(workerUrl, { workerData: input });
}

/** Runs one case on `worker`; resolves with its verdict, or excluded after the budget. */
function runOne(worker: Worker, c: DiffCase, budgetMs: number): Promise<OurVerdict> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const finish = (v: OurVerdict): void => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      resolve(v);
    };
    const onMessage = (a: WorkerAnswer): void =>
      finish({ kind: "verdict", safe: a.safe, why: a.why, ms: Date.now() - t0 });
    const onError = (e: Error): void => finish({ kind: "excluded", why: `verifier crashed: ${e}` });
    const timer = setTimeout(
      () => finish({ kind: "excluded", why: `over the ${budgetMs / 1000} s budget` }),
      budgetMs,
    );
    worker.on("message", onMessage);
    worker.on("error", onError);
    const job: WorkerJob = { name: c.name, bytes: c.bytes };
    worker.postMessage(job);
  });
}

export async function ourVerdicts(
  cases: readonly DiffCase[],
  opts: PoolOptions,
): Promise<OurVerdict[]> {
  const out: OurVerdict[] = new Array<OurVerdict>(cases.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    let worker = startWorker(opts.kernelBtf);
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i] as DiffCase;
      const v = await runOne(worker, c, opts.budgetMs);
      if (v.kind === "excluded") {
        // A stopped or crashed thread may hold a half-done proof: start afresh.
        await worker.terminate();
        worker = startWorker(opts.kernelBtf);
      }
      out[i] = v;
      opts.onDone?.(c, v);
    }
    await worker.terminate();
  };
  const threads = opts.threads ?? Math.max(1, Math.min(2, cpus().length));
  await Promise.all(Array.from({ length: threads }, lane));
  return out;
}
