// One worker thread of the host-side verdict pool: verifies the objects it is
// sent, one at a time, against the kernel BTF it was started with. A thread,
// so the pool can stop an object that overruns its budget by terminating it.
import { parentPort, workerData } from "node:worker_threads";
import { useKernelBtf } from "../btf/index.js";
import { processSolver, Z3 } from "../smt/index.js";
import { verifyObject } from "../verify.js";
import { ourVerdict } from "./compare.js";

export interface WorkerInput {
  readonly kernelBtf: string;
}

export interface WorkerJob {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface WorkerAnswer {
  readonly safe: boolean;
  readonly why: string;
}

const { kernelBtf } = workerData as WorkerInput;
useKernelBtf(kernelBtf);
const solver = processSolver(Z3);

// The VM loads each case with libbpf, which freezes .rodata at the object's
// own values, and the kernel verifier reads it as constants: so do we.
const asLoaded = new Map<string, bigint>();

parentPort?.on("message", (job: WorkerJob) => {
  void verifyObject(Buffer.from(job.bytes), {
    solver,
    fileName: job.name,
    rodata: asLoaded,
  }).then((r) => {
    const answer: WorkerAnswer =
      r.kind === "ok" ? ourVerdict(r.result) : { safe: false, why: r.messages.join("; ") };
    parentPort?.postMessage(answer);
  });
});
