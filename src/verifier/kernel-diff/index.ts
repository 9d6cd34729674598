export * from "./cases.js";
export * from "./compare.js";
export * from "./manifest.js";
export * from "./mutate.js";
export * from "./our-verdicts.js";
