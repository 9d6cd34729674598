// An attachment of a program to a hook. Disposing a link detaches it unless it
// is pinned in bpffs, in which case the pin keeps the attachment alive (this is
// how enforcement survives the agent).
import { callInt, callPtr } from "./call.js";
import { native, type Ptr } from "./ffi/libbpf.js";
import { linkedProgramIdOfFd, objectIdOfFd } from "./object-id.js";
import { programInfo, type ProgramInfo } from "./prog-info.js";

export class BpfLink implements Disposable {
  private handle: Ptr;

  constructor(
    handle: Ptr,
    /** What the link attaches, for messages: "pw_file_open -> lsm/file_open". */
    readonly description: string,
  ) {
    this.handle = handle;
  }

  /** Adopts a link pinned in bpffs by an earlier process. */
  static openPinned(path: string): BpfLink {
    return new BpfLink(
      callPtr(`open pinned link ${path}`, () => native.bpf_link__open(path) as Ptr | null),
      path,
    );
  }

  get fd(): number {
    return callInt(`fd of link ${this.description}`, () => native.bpf_link__fd(this.live()));
  }

  /** The link's kernel id (link->id), as `bpftool link show` prints it. */
  get id(): number {
    return objectIdOfFd(this.fd, `link ${this.description}`);
  }

  /**
   * The kernel's view of the program this link attaches, read through the
   * link itself: what is really running, whoever loaded it.
   */
  program(): ProgramInfo {
    const what = `program of link ${this.description}`;
    const progId = linkedProgramIdOfFd(this.fd, what);
    const fd = callInt(`open ${what} (id ${progId})`, () => native.bpf_prog_get_fd_by_id(progId));
    try {
      return programInfo(fd, what);
    } finally {
      native.close(fd);
    }
  }

  /** The id of the program this link attaches (for a link adopted from a pin). */
  get programId(): number {
    return linkedProgramIdOfFd(this.fd, `link ${this.description}`);
  }

  pin(path: string): void {
    callInt(`pin link ${this.description} at ${path}`, () =>
      native.bpf_link__pin(this.live(), path),
    );
  }

  unpin(): void {
    callInt(`unpin link ${this.description}`, () => native.bpf_link__unpin(this.live()));
  }

  /** Detaches the program now, even if other references (pins) exist. */
  detach(): void {
    callInt(`detach link ${this.description}`, () => native.bpf_link__detach(this.live()));
  }

  /** Releases this handle; the attachment stays only if it is pinned. */
  [Symbol.dispose](): void {
    if (this.handle === 0n) return;
    native.bpf_link__destroy(this.handle);
    this.handle = 0n;
  }

  private live(): Ptr {
    if (this.handle === 0n) throw new Error(`link ${this.description}: used after dispose`);
    return this.handle;
  }
}
