// Apply-time validation of a compiled policy: validateImage proves that the
// map contents decide every request as decide() does, or names a request
// where they differ.
export {
  validateImage,
  type ValidateOptions,
  type ValidationResult,
  type ValidationStats,
} from "./validate.js";
export type { Difference, Outcome } from "./counterexample.js";
