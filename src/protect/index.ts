// Self-protection: the kernel side that keeps Proofwall from being detached,
// unloaded, rewritten or bypassed, and the agent identity it trusts.
export { SelfProtect, DEFAULT_PIN_DIR, type SelfProtectOptions } from "./self-protect.js";
export { sealAgent, unsealAgent, readSeal, type SealPolicy } from "./seal.js";
export { checkPins, type PinnedObject } from "./pin-check.js";
export { probeSeal, removeStalePins, type SealProbe } from "./seal-probe.js";
export { EventLog } from "./event-log.js";
export * from "./records.js";
