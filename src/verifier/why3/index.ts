export * from "./whyml-sorts.js";
export * from "./whyml-names.js";
export * from "./whyml-terms.js";
export * from "./whyml-module.js";
export * from "./program-obligations.js";
