// A program inside a loaded object, and the ways to attach it.
import { openSync, closeSync, constants } from "node:fs";
import { callInt, callPtr } from "./call.js";
import { native, type Ptr } from "./ffi/libbpf.js";
import { BpfLink } from "./link.js";
import { programInfo, type ProgramInfo } from "./prog-info.js";
import { objectIdOfFd } from "./object-id.js";

export class BpfProgram {
  readonly name: string;
  readonly section: string;

  constructor(readonly handle: Ptr) {
    this.name = native.bpf_program__name(handle) as string;
    this.section = native.bpf_program__section_name(handle) as string;
  }

  get fd(): number {
    return callInt(`fd of program ${this.name}`, () => native.bpf_program__fd(this.handle));
  }

  /** The program's kernel id (prog->aux->id); valid once the object is loaded. */
  get id(): number {
    return objectIdOfFd(this.fd, `program ${this.name}`);
  }

  /** The kernel's view of the loaded program: id, tag, run-time statistics. */
  info(): ProgramInfo {
    return programInfo(this.fd, `program ${this.name}`);
  }

  /** Attaches a BPF LSM program (SEC("lsm/<hook>")) to its hook. */
  attachLsm(): BpfLink {
    const link = callPtr(
      `attach ${this.name} to ${this.section}`,
      () => native.bpf_program__attach_lsm(this.handle) as Ptr | null,
    );
    return new BpfLink(link, `${this.name} -> ${this.section}`);
  }

  /** Attaches a cgroup program to the cgroup v2 directory at `cgroupPath`. */
  attachCgroup(cgroupPath: string): BpfLink {
    const fd = openSync(cgroupPath, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      const link = callPtr(
        `attach ${this.name} to cgroup ${cgroupPath}`,
        () => native.bpf_program__attach_cgroup(this.handle, fd) as Ptr | null,
      );
      return new BpfLink(link, `${this.name} -> ${cgroupPath}`);
    } finally {
      closeSync(fd);
    }
  }

  /** Attaches by section name, as libbpf's skeletons do. */
  attach(): BpfLink {
    const link = callPtr(
      `attach ${this.name} (${this.section})`,
      () => native.bpf_program__attach(this.handle) as Ptr | null,
    );
    return new BpfLink(link, `${this.name} -> ${this.section}`);
  }

  pin(path: string): void {
    callInt(`pin program ${this.name} at ${path}`, () =>
      native.bpf_program__pin(this.handle, path),
    );
  }

  unpin(path: string): void {
    callInt(`unpin program ${this.name} at ${path}`, () =>
      native.bpf_program__unpin(this.handle, path),
    );
  }
}
