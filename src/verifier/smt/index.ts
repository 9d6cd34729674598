export * from "./print.js";
export * from "./sexpr.js";
export * from "./solver.js";
export * from "./model.js";
export * from "./process-solver.js";
export * from "./prove.js";
