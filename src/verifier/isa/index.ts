export * from "./insn.js";
export * from "./issue.js";
export * from "./opcodes.js";
export * from "./raw.js";
export * from "./regs.js";
export * from "./decode.js";
export * from "./encode.js";
