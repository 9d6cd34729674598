// Follows a file that another process (qemu's 9p server, on the guest's behalf)
// appends to, handing each new piece of text to a callback. Polling keeps it
// simple and works on every filesystem; the guest's writes are synchronous, so
// a final poll after qemu exits sees everything.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";

export class FileTail {
  private fd: number | undefined;
  private offset = 0;
  private readonly decoder = new StringDecoder("utf8");
  private readonly chunks: string[] = [];

  constructor(
    private readonly path: string,
    private readonly onText: (text: string) => void = () => undefined,
  ) {}

  /** Reads whatever was appended since the last poll. */
  poll(): void {
    this.fd ??= openSync(this.path, "r");
    const size = fstatSync(this.fd).size;
    // the guest's ">" truncates the file it opens; start over if it shrank
    if (size < this.offset) this.offset = 0;
    while (this.offset < size) {
      const buf = Buffer.alloc(Math.min(size - this.offset, 1 << 20));
      const n = readSync(this.fd, buf, 0, buf.length, this.offset);
      if (n === 0) break;
      this.offset += n;
      this.emit(this.decoder.write(buf.subarray(0, n)));
    }
  }

  /** Final poll; flushes a trailing partial character and closes the file. */
  finish(): string {
    this.poll();
    this.emit(this.decoder.end());
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return this.chunks.join("");
  }

  private emit(text: string): void {
    if (text === "") return;
    this.chunks.push(text);
    this.onText(text);
  }
}
