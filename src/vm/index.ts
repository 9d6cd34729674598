export { chooseAccel, type Accel } from "./accel.js";
export { isVmError, VmError, type VmErrorKind } from "./errors.js";
export { requireTestVm, testVmProblem, TEST_VM_REFUSAL } from "./guard.js";
export { prepareVmImage, type VmImage } from "./image.js";
export { type KernelPackage } from "./kernel-package.js";
export { vmCacheDir } from "./paths.js";
export { DEFAULT_TIMEOUT_MS, runInVm, type RunOptions, type RunResult } from "./run.js";
