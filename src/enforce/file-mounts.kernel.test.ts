// create, delete, rename, link and setattr on filesystems mounted beneath a
// protected tree, against the real kernel: the inode hooks take the mount
// from the path_* hook of the same system call (bpf/include/pw_mount_hint.h),
// so their walk crosses to the mount point as file_open's does. A tmpfs and a
// bind mount sit under the tree; uid 1000 is refused every operation there,
// uid 1001 may do all of them. Without the path_* hooks (a kernel lacking
// CONFIG_SECURITY_PATH, emulated by leaving them out) the walk ends at the
// mounted root, as before.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { compilePolicy } from "../compile/index.js";
import { fileKeyOf } from "../identity/file.js";
import type { PwDecision, EnforceHookName } from "../abi/decision.js";
import type { FileKey } from "../abi/file-key.js";
import { Engine } from "./engine.js";
import { kernelShape, PATH_HOOKS } from "./kernel-shape.js";
import { asUser, denied, filesRule, policyOf, sh, type Ran, waitFor } from "./test-support.js";

requireTestVm();

const RESTRICTED = 1000;
const OTHER = 1001;

const root = mkdtempSync("/tmp/pw-mnt-");
const tree = join(root, "tree");
const outside = join(root, "outside");
const onTmpfs = join(tree, "tmp");
const onBind = join(tree, "bind");
let engine: Engine;
const seen: PwDecision[] = [];

/** Denies uid 1000 every operation but read and write in the tree, and names it "keep". */
function keepTree(extra: Parameters<typeof filesRule>[] = []): number {
  const ops = ["create", "delete", "rename", "link", "setattr"] as const;
  const keep = filesRule("keep", "deny", [{ path: tree, tree: true }], {
    operations: ops,
    subjects: [asUser(RESTRICTED)],
  });
  return engine.apply(compilePolicy(policyOf([...extra.map((a) => filesRule(...a)), keep])));
}

before(() => {
  for (const d of [root, tree, outside]) {
    mkdirSync(d, { recursive: true });
    chmodSync(d, 0o777);
  }
  mkdirSync(onTmpfs);
  mkdirSync(onBind);
  mount(`-t tmpfs -o mode=0777 none ${onTmpfs}`);
  mount(`--bind ${outside} ${onBind}`);
  engine = Engine.load({ eventIntervalNs: 1_000_000_000n }).attach();
  engine.onDecision((d) => seen.push(d));
});

after(async () => {
  await engine[Symbol.asyncDispose]();
  for (const m of [onTmpfs, onBind]) sh(`umount ${m}`);
});

function mount(args: string): void {
  const r = sh(`mount ${args}`);
  assert.equal(r.status, 0, r.stderr);
}

/** A file (or directory) at `path` owned by `uid`, that anyone may write. */
function plant(path: string, uid: number, dir = false): string {
  if (dir) mkdirSync(path, { mode: 0o777 });
  else writeFileSync(path, "planted\n", { mode: 0o666 });
  chmodSync(path, dir ? 0o777 : 0o666);
  chownSync(path, uid, uid);
  return path;
}

/** renameat2(a, b, RENAME_EXCHANGE) through python's libc; a failure prints the errno's text on stderr. */
function exchange(a: string, b: string): string {
  const code = `import ctypes,os,sys; l=ctypes.CDLL(None,use_errno=True); r=l.renameat2(-100,b'${a}',-100,b'${b}',2); sys.exit(0 if r==0 else os.strerror(ctypes.get_errno()))`;
  return `/usr/bin/python3 -c "${code}"`;
}

/** Every operation of the files class but read and write, in `dir`, for `uid` (files named `prefix...`). */
function operations(dir: string, uid: number, prefix = ""): [string, string][] {
  const f = (name: string) => join(dir, `${prefix}${name}-${uid}`);
  const p = (name: string, isDir = false) => plant(f(name), uid, isDir);
  return [
    ["create (open O_CREAT)", `touch ${f("new")}`],
    ["mkdir", `mkdir ${f("dir")}`],
    ["symlink", `ln -s target ${f("sym")}`],
    ["mknod (fifo)", `mkfifo ${f("fifo")}`],
    ["unlink", `rm -f ${p("victim")}`],
    ["rmdir", `rmdir ${p("vdir", true)}`],
    ["rename", `mv ${p("from")} ${f("to")}`],
    ["rename exchange", exchange(p("x"), p("y"))],
    ["link", `ln ${p("orig")} ${f("hard")}`],
    ["chmod", `chmod 600 ${p("mode")}`],
    ["chown", `chown ${uid} ${p("owner")}`],
    ["truncate", `truncate -s 0 ${p("trunc")}`],
    ["O_TRUNC", `: > ${p("otrunc")}`],
  ];
}

for (const [where, dir] of [
  ["a tmpfs", onTmpfs],
  ["a bind mount", onBind],
] as const)
  test(`${where} beneath a tree: create, delete, rename, link and setattr are refused to uid 1000, allowed to uid 1001`, () => {
    keepTree();
    for (const [op, script] of operations(dir, RESTRICTED)) {
      const r = sh(script, RESTRICTED);
      assert.ok(denied(r), `${where}: ${op} as uid 1000: ${r.status} ${r.stderr}`);
    }
    for (const [op, script] of operations(dir, OTHER)) {
      const r = sh(script, OTHER);
      assert.equal(r.status, 0, `${where}: ${op} as uid 1001: ${r.stderr}`);
    }
  });

test("a directory bind-mounted into the tree is not kept at its own path", () => {
  keepTree();
  for (const [op, script] of operations(outside, RESTRICTED, "own-")) {
    const r = sh(script, RESTRICTED);
    assert.equal(r.status, 0, `${op} at the bind's source: ${r.stderr}`);
  }
});

test("rename into and out of an allowed directory on the mount: the tree above decides the other end", () => {
  const open = plant(join(onTmpfs, "open"), RESTRICTED, true);
  const opsOpen = ["create", "delete", "rename", "link", "setattr"] as const;
  keepTree([
    [
      "open",
      "allow",
      [{ path: open, tree: true }],
      { operations: opsOpen, subjects: [asUser(RESTRICTED)] },
    ],
  ]);
  const inside = plant(join(open, "a"), RESTRICTED);
  assert.equal(sh(`mv ${inside} ${open}/b && echo ok`, RESTRICTED).stdout, "ok\n");
  // Out of it: the source is allowed, the destination directory is the
  // tmpfs root, whose walk crosses to the tree.
  assert.ok(denied(sh(`mv ${open}/b ${onTmpfs}/out`, RESTRICTED)));
  // Into it: the source is in the tree.
  const kept = plant(join(onTmpfs, "kept"), RESTRICTED);
  assert.ok(denied(sh(`mv ${kept} ${open}/in`, RESTRICTED)));
  // The rule names uid 1000 only.
  assert.equal(
    sh(`mv ${kept} ${open}/in && mv ${open}/b ${onTmpfs}/out && echo ok`, OTHER).stdout,
    "ok\n",
  );
});

/** Runs `script` as uid 1000, expects the refusal and the event that reports it. */
async function refusedWithEvent(
  script: string,
  hook: EnforceHookName,
  file: FileKey,
  gen: number,
): Promise<void> {
  const r: Ran = sh(`echo $$; exec ${script}`, RESTRICTED);
  assert.ok(denied(r), `${script}: ${r.stderr}`);
  const pid = Number(r.stdout.split("\n")[0]);
  await waitFor(() => seen.some((d) => d.tgid === pid));
  const e = seen.find((d) => d.tgid === pid);
  assert.equal(e?.outcome, "deny", script);
  assert.equal(e?.hook, hook, script);
  assert.equal(engine.ruleId(gen, e?.rule ?? null), "keep", script);
  assert.deepEqual(e?.file, file, script);
}

test("each refusal on the tmpfs is reported with its hook, the rule and the file", async () => {
  seen.length = 0;
  const gen = keepTree();
  const f = (name: string) => plant(join(onTmpfs, `ev-${name}`), RESTRICTED);
  const mountRoot = fileKeyOf(onTmpfs);
  await refusedWithEvent(`touch ${onTmpfs}/ev-new`, "inodeCreate", mountRoot, gen);
  await refusedWithEvent(`mkdir ${onTmpfs}/ev-dir`, "inodeMkdir", mountRoot, gen);
  const victim = f("victim");
  await refusedWithEvent(`rm -f ${victim}`, "inodeUnlink", fileKeyOf(victim), gen);
  const from = f("from");
  await refusedWithEvent(`mv ${from} ${onTmpfs}/ev-to`, "inodeRename", fileKeyOf(from), gen);
  const orig = f("orig");
  await refusedWithEvent(`ln ${orig} ${onTmpfs}/ev-hard`, "inodeLink", fileKeyOf(orig), gen);
  const mode = f("mode");
  await refusedWithEvent(`chmod 600 ${mode}`, "inodeSetattr", fileKeyOf(mode), gen);
  const trunc = f("trunc");
  await refusedWithEvent(`truncate -s 0 ${trunc}`, "inodeSetattr", fileKeyOf(trunc), gen);
});

test("utimes has no path hook: on the mount it is decided inside the tmpfs only", () => {
  keepTree();
  const file = plant(join(onTmpfs, "times"), RESTRICTED);
  // A chmod of the same file first: its hint must not lend utimes the mount.
  assert.ok(denied(sh(`chmod 600 ${file}`, RESTRICTED)));
  assert.equal(sh(`touch -d 2001-01-01 ${file} && echo ok`, RESTRICTED).stdout, "ok\n");
  // The tree's own files are the tree's: there the walk needs no mount.
  const own = plant(join(tree, "times"), RESTRICTED);
  assert.ok(denied(sh(`touch -d 2001-01-01 ${own}`, RESTRICTED)));
});

test("without the path_* hooks (no CONFIG_SECURITY_PATH) the engine loads and the walk ends at the mounted root", async () => {
  await engine[Symbol.asyncDispose]();
  const shape = { ...kernelShape(), pathHooks: new Set<string>() };
  engine = Engine.load({ kernelShape: shape }).attach();
  const names = engine.hooks().map((h) => h.name);
  for (const h of PATH_HOOKS) assert.ok(!names.includes(`pw_${h}`), `${h} is left out`);
  assert.ok(names.includes("pw_inode_create"));
  keepTree();
  assert.ok(denied(sh(`touch ${tree}/fallback`, RESTRICTED)), "the tree's own directory is kept");
  // What the first tests refuse on the mounts passes here: their refusals
  // came from the mount the path_* hooks handed over.
  for (const [where, dir] of [
    ["tmpfs", onTmpfs],
    ["bind mount", onBind],
  ] as const)
    for (const [op, script] of operations(dir, RESTRICTED, "fallback-")) {
      const r = sh(script, RESTRICTED);
      assert.equal(r.status, 0, `${where}: ${op} without path hooks: ${r.stderr}`);
    }
});
