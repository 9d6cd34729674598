// Self-protection: the kernel side that keeps Proofwall from being detached,
// unloaded, rewritten or bypassed, and the agent identity it trusts.
export { SelfProtect, DEFAULT_PIN_DIR, type SelfProtectOptions } from "./self-protect.js";
export { sealAgent, unsealAgent, readSeal, type SealPolicy } from "./seal.js";
export { EventLog } from "./event-log.js";
export * from "./records.js";
