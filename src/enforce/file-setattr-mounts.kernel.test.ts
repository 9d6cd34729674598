// utimes and truncate of a tree's files reached through other mounts, against
// the real kernel. Only setattr is refused to uid 1000 (so an open for
// writing succeeds and ftruncate itself is what the kernel refuses), and
// uid 1001 may do it all. utimensat has no path_* hook, truncate(2) and
// ftruncate(2) have path_truncate on 6.1: both end at inode_setattr, whose
// walk climbs the file's own filesystem first, so a bind mount of the tree
// and another mount namespace name the tree's own directories; on a tmpfs
// beneath the tree only the truncations cross (docs/enforcement.md).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { compilePolicy } from "../compile/index.js";
import { fileKeyOf } from "../identity/file.js";
import type { PwDecision } from "../abi/decision.js";
import { Engine } from "./engine.js";
import { asUser, filesRule, policyOf, sh, waitFor } from "./test-support.js";

requireTestVm();

const RESTRICTED = 1000;
const OTHER = 1001;
const PYTHON = "/usr/bin/python3";

const root = mkdtempSync("/tmp/pw-attr-");
const tree = join(root, "tree");
const view = join(root, "view"); // a bind mount of the tree
const beneath = join(tree, "tmp"); // a tmpfs beneath the tree
let engine: Engine;
let gen = 0;
const seen: PwDecision[] = [];

before(() => {
  for (const d of [root, tree, view, beneath]) {
    mkdirSync(d, { recursive: true });
    chmodSync(d, 0o777);
  }
  const r = sh(`mount --bind ${tree} ${view} && mount -t tmpfs -o mode=0777 none ${beneath}`);
  assert.equal(r.status, 0, r.stderr);
  engine = Engine.load({ eventIntervalNs: 1_000_000_000n }).attach();
  engine.onDecision((d) => seen.push(d));
  const keep = filesRule("keep", "deny", [{ path: tree, tree: true }], {
    operations: ["setattr"],
    subjects: [asUser(RESTRICTED)],
  });
  gen = engine.apply(compilePolicy(policyOf([keep])));
});

after(async () => {
  await engine[Symbol.asyncDispose]();
  sh(`umount ${beneath}; umount ${view}`);
});

/** A file `uid` owns at `path`, that anyone may write. */
function plant(path: string, uid: number): void {
  writeFileSync(path, "planted\n");
  chmodSync(path, 0o666);
  chownSync(path, uid, uid);
}

const ftruncate = (f: string) =>
  `${PYTHON} -c "import os; os.ftruncate(os.open('${f}', os.O_WRONLY), 0)"`;

/** The operations on files named `tag...-uid` in `dir`; `plantDir` is where root plants them. */
function operations(dir: string, plantDir: string, uid: number, tag: string): [string, string][] {
  const f = (n: string) => {
    plant(join(plantDir, `${tag}${n}-${uid}`), uid);
    return join(dir, `${tag}${n}-${uid}`);
  };
  return [
    ["utimes (given times)", `touch -d 2001-01-01 ${f("times")}`],
    ["utimes (now)", `touch ${f("now")}`],
    ["truncate", `truncate -s 0 ${f("trunc")}`],
    ["ftruncate", ftruncate(f("ftrunc"))],
    ["O_TRUNC", `: > ${f("otrunc")}`],
  ];
}

/** Runs each operation as root through `enter`, which makes the namespace (or nothing) and becomes the user. */
function outcomes(ops: [string, string][], enter: (op: string) => string) {
  return ops.map(([name, op]) => ({ name, r: sh(enter(op)) }));
}

const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
const become = (uid: number, op: string) =>
  `setpriv --reuid=${uid} --regid=${uid} --clear-groups sh -c ${q(op)}`;

/** Each operation refused with EPERM to uid 1000 and done by uid 1001. */
function expectKept(where: string, run: (uid: number) => ReturnType<typeof outcomes>): void {
  for (const { name, r } of run(RESTRICTED))
    assert.ok(
      r.status !== 0 && /Operation not permitted/.test(r.stderr),
      `${where}: ${name} as uid 1000: ${r.status} ${r.stderr}`,
    );
  for (const { name, r } of run(OTHER))
    assert.equal(r.status, 0, `${where}: ${name} as uid 1001: ${r.stderr}`);
}

test("utimes, truncate, ftruncate and O_TRUNC through a bind mount of the tree: refused to uid 1000, done by uid 1001", () => {
  expectKept("bind mount", (uid) =>
    outcomes(operations(view, tree, uid, "bind-"), (op) => become(uid, op)),
  );
});

test("the same in a mount namespace made by root, through a bind of the tree made there", () => {
  const other = join(root, "nsview");
  mkdirSync(other, { mode: 0o777 });
  expectKept("root's namespace", (uid) =>
    outcomes(
      operations(other, tree, uid, "ns-"),
      (op) =>
        `unshare --mount --propagation private sh -c ${q(`mount --bind ${tree} ${other} && exec ${become(uid, op)}`)}`,
    ),
  );
});

test("the same in a user and mount namespace the user makes itself, through a recursive bind made there (the tmpfs beneath the tree is locked in it)", () => {
  const own = join(root, "ownview");
  mkdirSync(own, { mode: 0o777 });
  chmodSync(own, 0o777);
  expectKept("own namespace", (uid) =>
    outcomes(
      operations(own, tree, uid, "own-"),
      (op) =>
        `${become(uid, `unshare --user --map-root-user --mount --propagation private sh -c ${q(`mount -n --rbind ${tree} ${own} && ${op}`)}`)}`,
    ),
  );
});

test("on a tmpfs beneath the tree: truncate, ftruncate and O_TRUNC are refused (path_truncate hands over the mount); utimes is not", async () => {
  const truncations = operations(beneath, beneath, RESTRICTED, "tmpfs-").slice(2);
  expectKept("tmpfs beneath", (uid) =>
    outcomes(
      uid === RESTRICTED ? truncations : operations(beneath, beneath, uid, "tmpfs-").slice(2),
      (op) => become(uid, op),
    ),
  );
  const times = join(beneath, "times");
  plant(times, RESTRICTED);
  assert.equal(sh(become(RESTRICTED, `touch -d 2001-01-01 ${times} && echo ok`)).stdout, "ok\n");
  // ftruncate is reported on the file, by inode_setattr.
  const file = join(beneath, "ev-ftrunc");
  plant(file, RESTRICTED);
  seen.length = 0;
  const r = sh(`echo $$; exec ${become(RESTRICTED, `exec ${ftruncate(file)}`)}`);
  const pid = Number(r.stdout.split("\n")[0]);
  await waitFor(() => seen.some((d) => d.tgid === pid));
  const e = seen.find((d) => d.tgid === pid);
  assert.equal(e?.hook, "inodeSetattr");
  assert.equal(e?.outcome, "deny");
  assert.equal(engine.ruleId(gen, e?.rule ?? null), "keep");
  assert.deepEqual(e?.file, fileKeyOf(file));
});
