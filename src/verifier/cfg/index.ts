export * from "./cfg.js";
export * from "./order.js";
export * from "./build-cfg.js";
export * from "./functions.js";
export * from "./dominators.js";
export * from "./loops.js";
export * from "./link-program.js";
export * from "./liveness.js";
