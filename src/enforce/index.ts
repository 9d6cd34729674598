// The kernel engine: loads and attaches the enforce_* programs once, pins
// them, and switches compiled policies into their maps.
export {
  createKernelEnforcer,
  KernelEnforcer,
  DEFAULT_PIN_ROOT,
  type GuardSet,
} from "./kernel-enforcer.js";
export { Engine, ENFORCE_OBJECTS, type EngineOptions } from "./engine.js";
