// Builders for the enforce kernel suites: policies over real files and a way
// to run a command as another user, in a cgroup, through another program.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileKeyOf } from "../identity/file.js";
import { EVERYONE, type Action, type Policy, type Rule, type Subject } from "../policy/model.js";
import { FILE_OPERATIONS, RESOURCE_KEYS, type FileOperation } from "../policy/schema-resources.js";

/** A subject that is one user, whatever binary and wherever it runs. */
export const asUser = (uid: number): Subject => ({
  identity: { kind: "user", uid },
  placement: null,
  exe: null,
});

export function filesRule(
  id: string,
  action: Action,
  targets: readonly (string | { path: string; tree: true })[],
  options: { operations?: readonly FileOperation[]; subjects?: readonly Subject[] } = {},
): Omit<Rule, "index"> {
  return {
    id,
    action,
    subjects: options.subjects ?? [EVERYONE],
    resource: {
      kind: "files",
      targets: targets.map((t) =>
        typeof t === "string"
          ? { path: t, key: fileKeyOf(t), tree: false }
          : { path: t.path, key: fileKeyOf(t.path), tree: true },
      ),
      operations: options.operations ?? FILE_OPERATIONS,
    },
  };
}

export function policyOf(
  rules: readonly Omit<Rule, "index">[],
  mode: Policy["mode"] = "enforce",
  filesDefault: "allow" | "deny" = "allow",
): Policy {
  const defaults = Object.fromEntries(
    RESOURCE_KEYS.map((c) => [c, c === "files" ? filesDefault : "allow"]),
  );
  return {
    name: "test",
    mode,
    defaults: defaults as Policy["defaults"],
    rules: rules.map((r, index) => ({ ...r, index })),
  };
}

export interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Who runs a command: root steps first (set the login uid, enter a cgroup),
 * then `uid` with its gid and `groups` (none by default) through setpriv,
 * which keeps the login uid.
 */
export interface RunAs {
  readonly uid?: number;
  readonly groups?: readonly number[];
  readonly loginuid?: number;
  readonly cgroup?: string;
}

/** Runs `sh -c script`, optionally as a uid (a number) or as described by `as`. */
export function sh(script: string, as: number | RunAs = {}): Ran {
  const who: RunAs = typeof as === "number" ? { uid: as } : as;
  const groups = who.groups?.length ? `--groups=${who.groups.join(",")}` : "--clear-groups";
  const steps = [
    ...(who.loginuid === undefined ? [] : [`echo ${who.loginuid} > /proc/self/loginuid`]),
    ...(who.cgroup === undefined ? [] : [`echo $$ > ${who.cgroup}/cgroup.procs`]),
    who.uid === undefined
      ? script
      : `exec setpriv --reuid=${who.uid} --regid=${who.uid} ${groups} sh -c '${script.replaceAll("'", "'\\''")}'`,
  ];
  const r = spawnSync("sh", ["-c", steps.join(" && ")], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const denied = (r: Ran) => r.status !== 0 && /Operation not permitted/.test(r.stderr);

/**
 * A script for root: opens `path` and passes the fd over a unix socket at
 * `sock` (SCM_RIGHTS) to a receiver that becomes `uid` in the shell's place
 * (so with its pid) and prints how many fds it got, then the first line it
 * reads from one. The receiver listens before the socket has its name and
 * the sender waits for the name, so the connect never comes too early; the
 * receiver gives up after 30 s.
 */
export function passFdScript(path: string, uid: number, sock: string): string {
  const py = (code: string) => `/usr/bin/python3 -c "${code}"`;
  const recv = py(
    `import socket,os; s=socket.socket(socket.AF_UNIX); s.settimeout(30); s.bind('${sock}.t'); s.listen(); os.chmod('${sock}.t',0o777); os.rename('${sock}.t','${sock}'); c,_=s.accept(); m,fds,f,_=socket.recv_fds(c,10,1); print(len(fds)); fds and print(os.read(fds[0],100).decode().split(chr(10))[0])`,
  );
  const send = py(
    `import socket; f=open('${path}'); s=socket.socket(socket.AF_UNIX); s.connect('${sock}'); socket.send_fds(s,[b'x'],[f.fileno()])`,
  );
  const wait = `i=0; while [ ! -S ${sock} ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done`;
  return `(${wait}; ${send}) & exec setpriv --reuid=${uid} --regid=${uid} --clear-groups ${recv}`;
}

/** Polls cond every 50 ms until it holds; fails the test if it does not within ms. */
export async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.ok(cond(), "timed out waiting for events");
}
