// Signed policy: ed25519 keys, envelopes over canonical bytes, trusted keys,
// verification and replay protection. Used by the fleet (src/fleet/) and by a
// sealed agent's signed changes.
export * from "./keys.js";
export * from "./trusted-keys.js";
export * from "./envelope.js";
export * from "./verify.js";
export * from "./replay.js";
