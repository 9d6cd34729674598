// Moving mounts, against the real kernel. A files rule keeps a tree from
// uid 1000 and leaves it to uid 1001: root moves a filled tmpfs beneath the
// tree, moves a bind of the tree elsewhere, and moves a tree that is a mount
// point away, with mount(2) (`mount --move`) and with move_mount(2) (the new
// mount API, which never calls mount(2)). Then a mount rule refuses uid 1000
// mounts of any kind: in a user and mount namespace of its own, its
// `mount --move` is refused at sb_mount and its move_mount(2) (an open_tree
// clone, a fresh fsmount) at move_mount, each reported; uid 1001 does them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { compilePolicy } from "../compile/index.js";
import type { PwDecision, EnforceHookName } from "../abi/decision.js";
import { repoRoot } from "../paths.js";
import { Engine } from "./engine.js";
import { asUser, denied, filesRule, policyOf, sh, waitFor } from "./test-support.js";

requireTestVm();

const RESTRICTED = 1000;
const OTHER = 1001;
const PYTHON = "/usr/bin/python3";
const FSMOUNT = join(repoRoot, "build", "redteam", "fsmount");

const root = mkdtempSync("/tmp/pw-move-");
const tree = join(root, "tree");
const vault = join(root, "vault"); // a tree that is a tmpfs's mount point
let engine: Engine;
const seen: PwDecision[] = [];

before(() => {
  for (const d of [root, tree, vault]) {
    mkdirSync(d, { recursive: true });
    chmodSync(d, 0o777);
  }
  mustRun(`mount -t tmpfs -o mode=0777 none ${vault}`);
  engine = Engine.load({ eventIntervalNs: 1_000_000_000n }).attach();
  engine.onDecision((d) => seen.push(d));
});

after(async () => {
  await engine[Symbol.asyncDispose]();
  sh(`umount -R ${vault}`);
});

function mustRun(script: string): string {
  const r = sh(script);
  assert.equal(r.status, 0, `${script}: ${r.stderr}`);
  return r.stdout;
}

/** Keeps `dirs` (trees, named as they are now) from uid 1000, every file operation. */
function keep(...dirs: string[]): number {
  const rule = filesRule(
    "keep",
    "deny",
    dirs.map((path) => ({ path, tree: true as const })),
    { subjects: [asUser(RESTRICTED)] },
  );
  return engine.apply(compilePolicy(policyOf([rule])));
}

/** A fresh directory under the test's root that anyone may enter. */
function fresh(name: string): string {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  chmodSync(d, 0o777);
  return d;
}

/** move_mount(2) of the mount at `from` to `to` (flags 0: an attached mount, by path). */
const moveMount = (from: string, to: string) =>
  `${PYTHON} -c "import ctypes,os,sys; l=ctypes.CDLL(None,use_errno=True); r=l.syscall(429,-100,b'${from}',-100,b'${to}',0); sys.exit(0 if r==0 else os.strerror(ctypes.get_errno()))"`;

/** open_tree(OPEN_TREE_CLONE) of `from`, attached at `to` by move_mount(2): a bind through the new API. */
const cloneMount = (from: string, to: string) =>
  `${PYTHON} -c "import ctypes,os,sys; l=ctypes.CDLL(None,use_errno=True); fd=l.syscall(428,-100,b'${from}',1|0o2000000); r=fd if fd<0 else l.syscall(429,fd,b'',-100,b'${to}',4); sys.exit(0 if r==0 else os.strerror(ctypes.get_errno()))"`;

/** A file `uid` owns in `dir`, that anyone may write. */
function plant(dir: string, name: string, uid: number): string {
  const path = join(dir, name);
  writeFileSync(path, "planted\n");
  chmodSync(path, 0o666);
  chownSync(path, uid, uid);
  return path;
}

/** Read, write, create and delete in `dir` as `uid`: each refused (uid 1000) or done (uid 1001). */
function expectKept(where: string, dir: string): void {
  for (const uid of [RESTRICTED, OTHER]) {
    const f = (n: string) => plant(dir, `${n}-${uid}`, uid);
    const ops: [string, string][] = [
      ["read", `cat ${f("r")}`],
      ["write", `echo more >> ${f("w")}`],
      ["create", `touch ${join(dir, `new-${uid}`)}`],
      ["delete", `rm -f ${f("victim")}`],
    ];
    for (const [op, script] of ops) {
      const r = sh(script, uid);
      if (uid === RESTRICTED) assert.ok(denied(r), `${where}: ${op} as uid 1000: ${r.stderr}`);
      else assert.equal(r.status, 0, `${where}: ${op} as uid 1001: ${r.stderr}`);
    }
  }
}

for (const [how, move] of [
  ["mount --move", (a: string, b: string) => `mount --move ${a} ${b}`],
  ["move_mount(2)", moveMount],
] as const)
  test(`a tmpfs filled elsewhere and moved beneath the tree (${how}): kept for uid 1000, open to uid 1001`, () => {
    keep(tree);
    const tag = how.startsWith("mount") ? "a" : "b";
    const stage = fresh(`stage-${tag}`);
    const beneath = fresh(`tree/moved-${tag}`);
    mustRun(`mount -t tmpfs -o mode=0777 none ${stage}`);
    try {
      plant(stage, "early", RESTRICTED);
      mustRun(move(stage, beneath));
      assert.ok(denied(sh(`cat ${beneath}/early`, RESTRICTED)), "a file planted before the move");
      expectKept(`tmpfs moved beneath (${how})`, beneath);
    } finally {
      sh(`umount ${beneath} || umount ${stage}`);
    }
  });

for (const [how, move] of [
  ["mount --move", (a: string, b: string) => `mount --move ${a} ${b}`],
  ["move_mount(2)", moveMount],
] as const)
  test(`a bind of the tree, and a tree that is a mount point, moved elsewhere (${how}): still kept`, () => {
    keep(tree, vault);
    const tag = how.startsWith("mount") ? "a" : "b";
    const bind = fresh(`bind-${tag}`);
    const away = fresh(`away-${tag}`);
    const vaultAway = fresh(`vault-away-${tag}`);
    mustRun(`mount --bind ${tree} ${bind}`);
    try {
      mustRun(move(bind, away));
      expectKept(`bind of the tree moved (${how})`, away);
      // The tree named after its tmpfs was mounted is that tmpfs's root.
      mustRun(move(vault, vaultAway));
      try {
        expectKept(`tree's own mount moved (${how})`, vaultAway);
      } finally {
        mustRun(move(vaultAway, vault));
      }
    } finally {
      sh(`umount ${away} || umount ${bind}`);
    }
  });

test("an open_tree clone of the tree attached elsewhere by move_mount(2): still kept", () => {
  keep(tree);
  const clone = fresh("clone");
  mustRun(cloneMount(tree, clone));
  try {
    expectKept("open_tree clone", clone);
  } finally {
    sh(`umount ${clone}`);
  }
});

test("a tree named by the directory beneath a mount point does not follow that mount when it moves", () => {
  const under = fresh("under");
  const gone = fresh("under-away");
  keep(under); // named before the mount: the key is the directory itself
  mustRun(`mount -t tmpfs -o mode=0777 none ${under}`);
  try {
    expectKept("mounted on the named directory", under);
    mustRun(`mount --move ${under} ${gone}`);
    // The tmpfs is no longer beneath the named directory: its files are not the tree's.
    const f = plant(gone, "loose", RESTRICTED);
    assert.equal(sh(`cat ${f}`, RESTRICTED).stdout, "planted\n");
  } finally {
    sh(`umount ${gone} || umount ${under}`);
  }
});

/**
 * In a user and mount namespace of `uid`'s own: `setup`, then `step`, whose
 * status and output it returns. The propagation is left as it is: making it
 * private is a mount(2) call too, which the mount rule refuses.
 */
function inOwnNamespace(uid: number, setup: string, step: string): { status: number; err: string } {
  const script = `${setup}; R=$(${step} 2>&1); echo "@@$?|$R"`;
  const q = `'${script.replaceAll("'", "'\\''")}'`;
  const r = sh(`unshare --user --map-root-user --mount --propagation unchanged sh -c ${q}`, uid);
  const m = /^@@(\d+)\|(.*)$/m.exec(r.stdout);
  assert.ok(m, `${step} did not run: ${r.stderr}`);
  return { status: Number(m[1]), err: m[2] ?? "" };
}

test("a mount rule refuses uid 1000 mount --move (sb_mount) and move_mount(2) (move_mount) in its own namespace, with events; uid 1001 does them", async () => {
  const gen = engine.apply(
    compilePolicy(
      policyOf([
        { id: "keep", action: "deny", subjects: [asUser(RESTRICTED)], resource: { kind: "mount" } },
      ]),
    ),
  );
  const [a, b, c, src] = [fresh("ns-a"), fresh("ns-b"), fresh("ns-c"), fresh("ns-src")] as const;
  // uid 1000 can make no mount to move (the rule refuses them all): its
  // refusals come from the hook, which the kernel calls before it looks at
  // the source; uid 1001's runs show the same steps succeed when allowed.
  const steps: [string, string, string, EnforceHookName][] = [
    [
      "mount --move",
      `${FSMOUNT} tmpfs ${a} >/dev/null 2>&1`,
      `mount -n --move ${a} ${b}`,
      "sbMount",
    ],
    [
      "move_mount(2) of an attached mount",
      `mount -n -t tmpfs none ${a} 2>/dev/null`,
      moveMount(a, b),
      "moveMount",
    ],
    ["an open_tree clone attached by move_mount(2)", "true", cloneMount(src, c), "moveMount"],
    ["a fresh fsmount attached by move_mount(2)", "true", `${FSMOUNT} tmpfs ${c}`, "moveMount"],
  ];
  for (const [name, setup, step, hook] of steps) {
    const other = inOwnNamespace(OTHER, setup, step);
    assert.equal(other.status, 0, `${name} as uid 1001: ${other.err}`);
    seen.length = 0;
    const refused = inOwnNamespace(RESTRICTED, setup, step);
    assert.ok(
      refused.status !== 0 && /not permitted|permission denied|refused/i.test(refused.err),
      `${name} as uid 1000: ${refused.status} ${refused.err}`,
    );
    // mount(8) words EPERM as "permission denied". The step runs in a child
    // of the namespace's shell: its event is found by uid and hook.
    const mine = (d: PwDecision) => d.uid === RESTRICTED && d.hook === hook;
    await waitFor(() => seen.some(mine));
    const e = seen.find(mine);
    assert.equal(e?.outcome, "deny", name);
    assert.equal(engine.ruleId(gen, e?.rule ?? null), "keep", name);
  }
});
