// The libbpf binding: the only way the rest of Proofwall reaches the kernel.
export { BpfObject } from "./object.js";
export { BpfProgram } from "./program.js";
export { BpfMap, UpdateFlags, type MapSpec, type UpdateFlag } from "./map.js";
export { MapType, mapTypeName } from "./map-types.js";
export { BpfLink } from "./link.js";
export { RingBufferReader, type RecordHandler } from "./ringbuf.js";
export { KernelError, NotSupportedError, errnoName } from "./errors.js";
export type { RodataValue } from "./rodata.js";
export { libbpfVersion } from "./version.js";
export { programInfo, type ProgramInfo } from "./prog-info.js";
export { enableRunTimeStats } from "./stats.js";
