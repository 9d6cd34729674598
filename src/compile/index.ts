// The policy compiler: Policy -> MapImage (pure bytes), and the model of the
// kernel's lookups that proves the encoding.
export * from "./image.js";
export * from "./compile.js";
export * from "./lookup-model.js";
