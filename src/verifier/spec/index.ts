export * from "./layout.js";
export * from "./inputs.js";
export * from "./spec.js";
export * from "./obligations.js";
export * from "./self-protect.js";
export * from "./check-program.js";
export * from "./mutants.js";
export * from "./registry.js";
