export * from "./compare.js";
export * from "./mutate.js";
