// The demo scenario, narrated: protect a file from one cgroup, show the denial,
// the event, the unaffected outsider, and the release on detach.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FileGuard } from "./file-guard.js";
import { createCgroup, removeCgroup } from "../identity/cgroup.js";
import type { PwEvent } from "../abi/event.js";

type Say = (line: string) => void;

function attempt(say: Say, who: string, script: string): boolean {
  const r = spawnSync("sh", ["-c", script], { encoding: "utf8" });
  const ok = r.status === 0;
  say(`  ${who}: ${ok ? `read it: ${r.stdout.trim()}` : `DENIED (${r.stderr.trim()})`}`);
  return ok;
}

function describe(e: PwEvent): string {
  return `${e.verdict} ${e.hook} by ${e.comm} pid=${e.pid} uid=${e.uid} cgroup=${e.cgroupId} file=dev ${e.dev >>> 20}:${e.dev & 0xfffff} ino ${e.ino}`;
}

/** Runs the scenario; resolves true when every step behaved as promised. */
export async function runDemo(say: Say): Promise<boolean> {
  const dir = mkdtempSync("/tmp/proofwall-demo-");
  const secret = join(dir, "customer-db.csv");
  writeFileSync(secret, "alice,4111-1111-1111-1111\n");
  chmodSync(dir, 0o755);
  const cgroup = createCgroup("proofwall-demo");
  const inside = (cmd: string): string => `echo $$ > ${cgroup}/cgroup.procs && exec ${cmd}`;
  say(`protecting ${secret} from processes in cgroup ${cgroup}`);
  const guard = FileGuard.start({ protectedFile: secret, cgroupPath: cgroup });
  try {
    say("with file_guard attached (lsm/file_open):");
    const denied = !attempt(say, "cat inside the cgroup ", inside(`cat ${secret}`));
    const outsider = attempt(say, "cat outside the cgroup", `cat ${secret}`);
    const event = await guard
      .waitForEvent((e) => e.verdict === "deny", 3000)
      .catch(() => undefined);
    say(`  event: ${event ? describe(event) : "none arrived"}`);
    guard.detach();
    say("after detaching:");
    const released = attempt(say, "cat inside the cgroup ", inside(`cat ${secret}`));
    return denied && outsider && event !== undefined && released;
  } finally {
    await guard[Symbol.asyncDispose]();
    removeCgroup(cgroup);
    rmSync(dir, { recursive: true, force: true });
  }
}
