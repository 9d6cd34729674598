export * from "./data-sections.js";
export * from "./map-types.js";
export * from "./maps.js";
export * from "./programs.js";
export * from "./read-object.js";
export * from "./section-defs.js";
export * from "./spec.js";
export * from "./frozen-rodata.js";
