// A tree reached through an overlay (overlayfs) that root mounted with the
// tree as its lower layer, against the real kernel: exec of a program in the
// tree, an fd of a tree file opened through the overlay and passed over
// SCM_RIGHTS, and uid 1000 reading and writing the tree's files through the
// overlay. Each is refused to uid 1000, whom the rules name, and allowed to
// uid 1001. On 6.1 the overlay's files have inodes of their own, on the
// overlay's device, in directories no policy names; the layer's file
// beneath is what the programs must decide (docs/enforcement.md, "The walk
// across mounts").
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { compilePolicy } from "../compile/index.js";
import { fileKeyOf } from "../identity/file.js";
import type { PwDecision, EnforceHookName } from "../abi/decision.js";
import type { FileKey } from "../abi/file-key.js";
import type { Policy, Rule } from "../policy/model.js";
import { Engine } from "./engine.js";
import { asUser, denied, filesRule, passFdScript, policyOf, sh, waitFor } from "./test-support.js";

requireTestVm();

const RESTRICTED = 1000;
const OTHER = 1001;

const root = mkdtempSync("/tmp/pw-ovl-");
const tree = join(root, "tree");
const stage = join(root, "stage"); // a tmpfs with the overlay's upper and work directories
const view = join(root, "view"); // the overlay, mounted by root
let engine: Engine;
const seen: PwDecision[] = [];

function apply(p: Policy): number {
  return engine.apply(compilePolicy(p));
}

/** A file in the tree that `owner` owns and anyone may read and write, or run with `program`. */
function plant(name: string, program = false, owner = 0): string {
  const path = join(tree, name);
  if (program) copyFileSync("/usr/bin/true", path);
  else writeFileSync(path, "planted\n");
  chmodSync(path, program ? 0o755 : 0o666);
  chownSync(path, owner, owner);
  return path;
}

before(() => {
  for (const d of [root, tree, join(tree, "bin"), stage, view]) {
    mkdirSync(d, { recursive: true });
    chmodSync(d, 0o777);
  }
  for (const p of ["bin/true", "bin/exact", "bin/neighbour"]) plant(p, true);
  for (const p of ["passed", "event"]) plant(p);
  const lines = [
    `mount -t tmpfs -o mode=0755 none ${stage}`,
    `mkdir ${stage}/up ${stage}/work`,
    `chmod 0777 ${stage}/up`,
    `mount -t overlay overlay -o lowerdir=${tree},upperdir=${stage}/up,workdir=${stage}/work ${view}`,
  ];
  const r = sh(lines.join(" && "));
  assert.equal(r.status, 0, r.stderr);
  engine = Engine.load({ eventIntervalNs: 1_000_000_000n }).attach();
  engine.onDecision((d) => seen.push(d));
});

after(async () => {
  await engine[Symbol.asyncDispose]();
  sh(`umount ${view}; umount ${stage}`);
});

/** An exec rule refusing uid 1000 the targets. */
function execRule(
  targets: readonly (string | { path: string; tree: true })[],
): Omit<Rule, "index"> {
  return {
    id: "keep",
    action: "deny",
    subjects: [asUser(RESTRICTED)],
    resource: {
      kind: "exec",
      memfd: false,
      anonymousMemory: false,
      targets: targets.map((t) =>
        typeof t === "string"
          ? { path: t, key: fileKeyOf(t), tree: false }
          : { path: t.path, key: fileKeyOf(t.path), tree: true },
      ),
    },
  };
}

/** `cmd` run as uid 1000 in place of the shell (the same pid). */
const asRestricted = (cmd: string) =>
  `exec setpriv --reuid=${RESTRICTED} --regid=${RESTRICTED} --clear-groups ${cmd}`;

/**
 * Runs `script` as root; it ends by exec'ing the process refused (so its pid
 * is the shell's). Expects the event that reports the refusal.
 */
async function reported(script: string, hook: EnforceHookName, file: FileKey, gen: number) {
  const r = sh(`echo $$; ${script}`);
  const pid = Number(r.stdout.split("\n")[0]);
  await waitFor(() => seen.some((d) => d.tgid === pid && d.hook === hook));
  const e = seen.find((d) => d.tgid === pid && d.hook === hook);
  assert.equal(e?.outcome, "deny", script);
  assert.equal(engine.ruleId(gen, e?.rule ?? null), "keep", script);
  assert.deepEqual(e?.file, file, script);
}

test("exec through a root-mounted overlay of an exec tree: refused to uid 1000 (reported on the layer's file), allowed to uid 1001", async () => {
  seen.length = 0;
  const gen = apply(policyOf([execRule([{ path: tree, tree: true }])]));
  const prog = join(view, "bin", "true");
  assert.ok(denied(sh(join(tree, "bin", "true"), RESTRICTED)), "the rule holds on the tree");
  const r = sh(prog, RESTRICTED);
  assert.ok(denied(r), `through the overlay: ${r.status} ${r.stderr}`);
  assert.equal(sh(`${prog} && echo ok`, OTHER).stdout, "ok\n");
  await reported(asRestricted(prog), "bprmCheck", fileKeyOf(join(tree, "bin", "true")), gen);
});

test("exec through the overlay of a program named by its key: refused to uid 1000, its neighbour runs", () => {
  apply(policyOf([execRule([join(tree, "bin", "exact")])]));
  const r = sh(join(view, "bin", "exact"), RESTRICTED);
  assert.ok(denied(r), `through the overlay: ${r.status} ${r.stderr}`);
  assert.equal(sh(`${join(view, "bin", "exact")} && echo ok`, OTHER).stdout, "ok\n");
  assert.equal(sh(`${join(view, "bin", "neighbour")} && echo ok`, RESTRICTED).stdout, "ok\n");
});

test("an fd opened through the overlay and passed over SCM_RIGHTS: refused at receive to uid 1000, received by uid 1001", async () => {
  seen.length = 0;
  const keep = filesRule("keep", "deny", [{ path: tree, tree: true }], {
    operations: ["read"],
    subjects: [asUser(RESTRICTED)],
  });
  const gen = apply(policyOf([keep]));
  const file = join(view, "passed");
  const refused = sh(passFdScript(file, RESTRICTED, join(root, "a.sock")));
  assert.equal(refused.status, 0, refused.stderr);
  assert.equal(refused.stdout.trim(), "0", "uid 1000 got no fd");
  const received = sh(passFdScript(file, OTHER, join(root, "b.sock")));
  assert.equal(received.stdout.trim(), "1\nplanted", `uid 1001 reads it: ${received.stderr}`);
  const passed = fileKeyOf(join(tree, "passed"));
  await reported(passFdScript(file, RESTRICTED, join(root, "c.sock")), "fileReceive", passed, gen);
});

/** Operations on tree files through the overlay, for `uid` (files named `...-uid`). */
function operations(uid: number): [string, string][] {
  const f = (name: string) => `${name}-${uid}`;
  for (const n of ["r", "w", "mode", "from", "orig", "victim"]) plant(f(n), false, uid);
  const v = (name: string) => join(view, f(name));
  return [
    ["read", `cat ${v("r")}`],
    ["write", `echo more >> ${v("w")}`],
    ["chmod", `chmod 600 ${v("mode")}`],
    ["rename", `mv ${v("from")} ${v("to")}`],
    ["link", `ln ${v("orig")} ${v("hard")}`],
  ];
}

test("an overlay root mounted on the tree, used by uid 1000: reads and the copy-ups of writes, chmod, rename and link are refused; uid 1001 may do all", async () => {
  seen.length = 0;
  const gen = apply(
    policyOf([
      filesRule("keep", "deny", [{ path: tree, tree: true }], { subjects: [asUser(RESTRICTED)] }),
    ]),
  );
  for (const [op, cmd] of operations(RESTRICTED)) {
    const r = sh(cmd, RESTRICTED);
    assert.ok(denied(r), `${op} as uid 1000: ${r.status} ${r.stderr}`);
  }
  for (const [op, cmd] of operations(OTHER)) {
    const r = sh(cmd, OTHER);
    assert.equal(r.status, 0, `${op} as uid 1001: ${r.stderr}`);
  }
  // Nothing of uid 1000's reached the upper layer; uid 1001's writes did.
  assert.ok(!existsSync(join(stage, "up", `w-${RESTRICTED}`)), "no copy-up for uid 1000");
  assert.match(readFileSync(join(stage, "up", `w-${OTHER}`), "utf8"), /more/);
  // Deleting and creating change the upper layer only: not the tree's operations.
  assert.equal(
    sh(`rm ${join(view, `victim-${RESTRICTED}`)} && echo ok`, RESTRICTED).stdout,
    "ok\n",
  );
  assert.ok(existsSync(join(tree, `victim-${RESTRICTED}`)), "the tree keeps its file");
  const event = fileKeyOf(join(tree, "event"));
  await reported(asRestricted(`cat ${join(view, "event")}`), "fileOpen", event, gen);
});
