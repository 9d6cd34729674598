export * from "./btf.js";
export * from "./format.js";
export * from "./header.js";
export * from "./lookup.js";
export * from "./members.js";
export * from "./refs.js";
export * from "./sizeof.js";
export * from "./types.js";
