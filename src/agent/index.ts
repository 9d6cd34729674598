// The agent daemon: policy files -> Daemon -> Enforcer, served over the
// control socket and /metrics. The kernel engine implements Enforcer in
// src/enforce/; NoKernelEnforcer runs without one.
export * from "./enforcer.js";
export * from "./apply-outcome.js";
export * from "./no-kernel-enforcer.js";
export * from "./daemon.js";
export * from "./policy-files.js";
export * from "./policy-load.js";
export * from "./policy-merge.js";
export * from "./wire.js";
export * from "./control-client.js";
export * from "./event-names.js";
export * from "./metrics.js";
export { runAgent, EXIT_UNINSTALLED, type AgentOptions } from "./run-agent.js";
