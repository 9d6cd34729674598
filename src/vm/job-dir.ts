// The host side of the shared job directory: what the guest is asked to run and
// where it leaves stdout, stderr and the exit status.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JOB_FILES, jobScript, type Job } from "./guest-init.js";

export class JobDir {
  readonly path: string;

  constructor(job: Job) {
    this.path = mkdtempSync(join(tmpdir(), "proofwall-vm-"));
    writeFileSync(this.file("script"), jobScript(job));
    writeFileSync(this.file("stdout"), "");
    writeFileSync(this.file("stderr"), "");
  }

  file(name: keyof typeof JOB_FILES): string {
    return join(this.path, JOB_FILES[name]);
  }

  /** When the guest started the command (host clock), if it has. */
  startedAt(): number | undefined {
    const f = this.file("started");
    return existsSync(f) ? statSync(f).mtimeMs : undefined;
  }

  /** The command's exit status, or undefined if the guest never wrote one. */
  exitStatus(): number | undefined {
    const f = this.file("status");
    if (!existsSync(f)) return undefined;
    const n = Number.parseInt(readFileSync(f, "utf8").trim(), 10);
    return Number.isNaN(n) ? undefined : n;
  }

  readOptional(name: keyof typeof JOB_FILES): string | undefined {
    const f = this.file(name);
    return existsSync(f) ? readFileSync(f, "utf8") : undefined;
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
