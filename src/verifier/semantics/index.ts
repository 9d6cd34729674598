export * from "./alu.js";
export { BPF_LOOP, funcAddress, funcEntry } from "./bpf-loop.js";
export * from "./helpers.js";
export * from "./machine.js";
export * from "./memory.js";
export * from "./run.js";
export * from "./conformance-vector.js";
