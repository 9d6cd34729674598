// Verification certificates: made by `proofwall build`, checked by the loader.
export * from "./certificate.js";
export * from "./check.js";
export * from "./solver-versions.js";
export * from "./cache.js";
