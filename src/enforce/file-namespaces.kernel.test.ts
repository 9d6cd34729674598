// The files class for processes in another mount namespace, against the real
// kernel. A tree is kept from uid 1000 (every operation) and left to uid 1001.
// The mounts each test makes exist only in the new namespace: a bind mount of
// the tree elsewhere, a tmpfs beneath the tree, a new root (pivot_root) or a
// chroot that shows the tree at another path, and the files of such a
// namespace reached from outside through /proc/<pid>/root. The namespaces are
// made by root (`unshare --mount`) and, for the attack an unprivileged user
// can mount alone, by the user itself in a user namespace (`unshare -Urm`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { compilePolicy } from "../compile/index.js";
import { kernelDev } from "../identity/file.js";
import type { PwDecision, EnforceHookName } from "../abi/decision.js";
import type { FileKey } from "../abi/file-key.js";
import { Engine } from "./engine.js";
import { asUser, denied, filesRule, policyOf, sh, waitFor } from "./test-support.js";

requireTestVm();

const RESTRICTED = 1000;
const OTHER = 1001;
const UNSHARE = "/usr/bin/unshare";
const SETPRIV = "/usr/bin/setpriv";

const root = mkdtempSync("/tmp/pw-ns-");
const tree = join(root, "tree");
const sub = join(tree, "sub"); // a tmpfs goes here, in the new namespace only
const view = join(root, "view"); // the tree is bind-mounted here, in the new namespace only
const stage = join(root, "stage");
const newRoot = join(root, "newroot");
let engine: Engine;
let gen = 0;
const seen: PwDecision[] = [];

before(() => {
  for (const d of [root, tree, sub, view, stage, newRoot]) {
    mkdirSync(d, { recursive: true });
    chmodSync(d, 0o777);
  }
  engine = Engine.load({ eventIntervalNs: 1_000_000_000n }).attach();
  engine.onDecision((d) => seen.push(d));
  const keep = filesRule("keep", "deny", [{ path: tree, tree: true }], {
    subjects: [asUser(RESTRICTED)],
  });
  gen = engine.apply(compilePolicy(policyOf([keep])));
});

after(async () => {
  await engine[Symbol.asyncDispose]();
});

/** Shell-quotes `s` for a single-quoted word. */
const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** One operation: `plant` is a file made (by the namespace's maker) before `op` runs. */
interface Step {
  readonly name: string;
  readonly plant?: string;
  readonly op: string;
}

/**
 * Reading, writing, creating, deleting, renaming, linking and chmod in `dir`,
 * for `uid`, on files named `tag...` (each test its own: several tests show
 * the same tree).
 */
function operations(dir: string, uid: number, tag: string): Step[] {
  const f = (name: string) => join(dir, `${tag}${name}-${uid}`);
  return [
    { name: "read", plant: f("r"), op: `cat ${f("r")}` },
    { name: "write", plant: f("w"), op: `echo more >> ${f("w")}` },
    { name: "create", op: `touch ${f("new")}` },
    { name: "mkdir", op: `mkdir ${f("dir")}` },
    { name: "unlink", plant: f("victim"), op: `rm -f ${f("victim")}` },
    { name: "rename", plant: f("from"), op: `mv ${f("from")} ${f("to")}` },
    { name: "link", plant: f("orig"), op: `ln ${f("orig")} ${f("hard")}` },
    { name: "chmod", plant: f("mode"), op: `chmod 600 ${f("mode")}` },
  ];
}

/** Shell lines that make `path` a file `uid` owns and anyone may write. */
const plantLines = (path: string, uid: number) => [
  `printf 'planted\\n' > ${path}`,
  `chown ${uid}:${uid} ${path}`,
  `chmod 666 ${path}`,
];

/** Plants from this (the test's) namespace. */
function plant(path: string, uid: number): void {
  writeFileSync(path, "planted\n");
  chmodSync(path, 0o666);
  chownSync(path, uid, uid);
}

interface Outcome {
  readonly status: number;
  readonly message: string;
}

/**
 * Writes a script that runs `setup` (any failure ends it), then each step:
 * its plant as the maker, its op through `enter` (a prefix that becomes the
 * user, or nothing), printing `@@name|status|output` per step. Returns the
 * script's path.
 */
function script(setup: readonly string[], steps: readonly Step[], enter: string, uid: number) {
  const lines = ["set -e", ...setup, "set +e"];
  for (const s of steps) {
    if (s.plant !== undefined) lines.push(...plantLines(s.plant, uid));
    lines.push(
      `R=$(${enter} sh -c ${q(s.op)} 2>&1); S=$?`,
      `printf '@@%s|%s|%s\\n' ${q(s.name)} "$S" "$(printf %s "$R" | tr '\\n' ' ')"`,
    );
  }
  const path = join(root, `script-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o644 });
  chmodSync(path, 0o644);
  return path;
}

/** The `@@` lines of a run, by step name; the run's own failure is an assertion. */
function outcomes(r: ReturnType<typeof sh>, steps: readonly Step[]): Map<string, Outcome> {
  const found = new Map<string, Outcome>();
  for (const m of r.stdout.matchAll(/^@@([^|]*)\|(\d+)\|(.*)$/gm))
    found.set(m[1] ?? "", { status: Number(m[2]), message: m[3] ?? "" });
  for (const s of steps)
    assert.ok(found.has(s.name), `step ${s.name} did not run: ${r.status} ${r.stderr}`);
  return found;
}

/** Root makes the namespace and its mounts, then runs each step as `uid`. */
function asRootMade(setup: readonly string[], steps: readonly Step[], uid: number, via = "") {
  const enter = `${via}${SETPRIV} --reuid=${uid} --regid=${uid} --clear-groups`;
  const path = script(setup, steps, enter, uid);
  return outcomes(sh(`${UNSHARE} --mount --propagation private sh ${path}`), steps);
}

/** `uid` makes a user and mount namespace of its own and its mounts, and runs each step there. */
function asSelfMade(setup: readonly string[], steps: readonly Step[], uid: number) {
  const path = script(setup, steps, "", uid);
  const unshare = `${UNSHARE} --user --map-root-user --mount --propagation private sh ${path}`;
  return outcomes(sh(unshare, uid), steps);
}

/** Every step refused to uid 1000 with EPERM, every one allowed to uid 1001. */
function expectKept(where: string, restricted: Map<string, Outcome>, other: Map<string, Outcome>) {
  for (const [name, o] of restricted)
    assert.ok(
      o.status !== 0 && /Operation not permitted/.test(o.message),
      `${where}: ${name} as uid 1000: ${o.status} ${o.message}`,
    );
  for (const [name, o] of other)
    assert.equal(o.status, 0, `${where}: ${name} as uid 1001: ${o.message}`);
}

/** True when this (the test's) namespace has a mount at `path`. */
function mountedHere(path: string): boolean {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((l) => l.split(" ")[4] === path);
}

test("a bind mount of the tree made in another namespace (by root): kept for uid 1000, open to uid 1001", () => {
  const setup = [`mount --bind ${tree} ${view}`];
  expectKept(
    "bind of the tree",
    asRootMade(setup, operations(view, RESTRICTED, "bind-"), RESTRICTED),
    asRootMade(setup, operations(view, OTHER, "bind-"), OTHER),
  );
  assert.ok(!mountedHere(view), "the bind mount was made in the new namespace only");
});

test("a tmpfs beneath the tree made in another namespace (by root): kept for uid 1000, open to uid 1001", () => {
  const setup = [`mount -t tmpfs -o mode=0777 none ${sub}`];
  expectKept(
    "tmpfs beneath the tree",
    asRootMade(setup, operations(sub, RESTRICTED, "tmpfs-"), RESTRICTED),
    asRootMade(setup, operations(sub, OTHER, "tmpfs-"), OTHER),
  );
  assert.ok(!mountedHere(sub), "the tmpfs was mounted in the new namespace only");
});

/**
 * What uid makes alone in a user namespace: the tree bind-mounted at `view`,
 * and a tmpfs filled at `stage` (so the plants exist before any rule can see
 * them) then moved beneath the tree.
 */
function selfMadeSetup(uid: number, steps: readonly Step[]): string[] {
  const staged = steps.flatMap((s) =>
    s.plant?.startsWith(`${sub}/`) ? plantLines(s.plant.replace(sub, stage), 0) : [],
  );
  // -n: no utab, which a user namespace may not write.
  return [
    `mount -n --bind ${tree} ${view}`,
    `mount -n -t tmpfs -o mode=0777 none ${stage}`,
    ...staged,
    `mount -n --move ${stage} ${sub}`,
  ];
}

test("uid 1000 in a user and mount namespace of its own: a bind of the tree and a tmpfs moved beneath it are kept", () => {
  for (const [where, dir] of [
    ["bind of the tree", view],
    ["tmpfs moved beneath the tree", sub],
  ] as const) {
    const bySelf = (uid: number) => {
      const steps = operations(dir, uid, "self-");
      // Plants on the bind are the tree's own files: made from here.
      if (dir === view) for (const s of steps) if (s.plant) plant(s.plant.replace(view, tree), uid);
      const unplanted = steps.map((s) => ({ name: s.name, op: s.op }));
      return asSelfMade(selfMadeSetup(uid, steps), unplanted, uid);
    };
    expectKept(`self-made ${where}`, bySelf(RESTRICTED), bySelf(OTHER));
  }
});

/** What an overlay with the tree as its lower layer may do without the tree's contents. */
const WITHOUT_CONTENTS = new Set(["create", "mkdir", "unlink"]);

test("uid 1000 in a user and mount namespace of its own: an overlay on the tree reads nothing of it", () => {
  const bySelf = (uid: number) => {
    const steps = operations(view, uid, "ovl-");
    for (const s of steps) if (s.plant) plant(s.plant.replace(view, tree), uid);
    const setup = [
      `mount -n -t tmpfs -o mode=0777 none ${stage}`,
      `mkdir ${stage}/up ${stage}/work`,
      `mount -n -t overlay overlay -o lowerdir=${tree},upperdir=${stage}/up,workdir=${stage}/work ${view}`,
    ];
    return asSelfMade(
      setup,
      steps.map((s) => ({ name: s.name, op: s.op })),
      uid,
    );
  };
  const restricted = bySelf(RESTRICTED);
  // Reading a lower file, and the copy-up that writing, chmod, rename and
  // link make (it reads the lower file with the mounter's credentials), are
  // opens of the tree's files.
  const needContents = new Map([...restricted].filter(([n]) => !WITHOUT_CONTENTS.has(n)));
  expectKept("self-made overlay", needContents, bySelf(OTHER));
  // Creating, and deleting (a whiteout), change the upper layer, not the tree.
  for (const n of WITHOUT_CONTENTS) assert.equal(restricted.get(n)?.status, 0, n);
  assert.ok(existsSync(join(tree, `ovl-victim-${RESTRICTED}`)), "the tree keeps its file");
  assert.ok(!existsSync(join(tree, `ovl-new-${RESTRICTED}`)), "nothing was created in the tree");
});

/** A process of `uid` that sleeps in a new mount namespace root made with `setup`. */
async function sleeper(setup: readonly string[], uid: number): Promise<ChildProcess> {
  const lines = [
    "set -e",
    ...setup,
    `exec ${SETPRIV} --reuid=${uid} --regid=${uid} --clear-groups sleep 600`,
  ];
  const path = join(root, `sleeper-${uid}.sh`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  const child = spawn(UNSHARE, ["--mount", "--propagation", "private", "sh", path], {
    stdio: "ignore",
  });
  const pid = child.pid ?? 0;
  await waitFor(() => {
    try {
      return (
        /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] === String(uid)
      );
    } catch {
      return false;
    }
  }, 10_000);
  return child;
}

/** The key the kernel names a file by, for a file no mountinfo of ours lists. */
function keyOf(path: string): FileKey {
  const st = statSync(path, { bigint: true });
  return { dev: kernelDev(st.dev), ino: st.ino };
}

test("files of another namespace reached through /proc/<pid>/root: kept for uid 1000, with events; open to uid 1001", async () => {
  const setup = [`mount --bind ${tree} ${view}`, `mount -t tmpfs -o mode=0777 none ${sub}`];
  const sleepers = [await sleeper(setup, RESTRICTED), await sleeper(setup, OTHER)];
  try {
    for (const [i, uid] of [RESTRICTED, OTHER].entries()) {
      const there = `/proc/${sleepers[i]?.pid ?? 0}/root`;
      assert.ok(existsSync(`${there}${sub}`) && !mountedHere(sub), "the tmpfs is theirs only");
      for (const dir of [view, sub])
        for (const s of operations(`${there}${dir}`, uid, "proc-")) {
          if (s.plant) plant(s.plant, uid);
          const r = sh(s.op, uid);
          if (uid === RESTRICTED) assert.ok(denied(r), `${there}${dir}: ${s.name}: ${r.stderr}`);
          else assert.equal(r.status, 0, `${there}${dir}: ${s.name} as uid 1001: ${r.stderr}`);
        }
    }
    const there = `/proc/${sleepers[0]?.pid ?? 0}/root`;
    const secret = join(`${there}${sub}`, "ev-secret");
    plant(secret, RESTRICTED);
    await refusedWithEvent(`cat ${secret}`, "fileOpen", keyOf(secret));
    await refusedWithEvent(`touch ${there}${sub}/ev-new`, "inodeCreate", keyOf(`${there}${sub}`));
    const viewed = join(`${there}${view}`, "ev-viewed");
    plant(viewed, RESTRICTED);
    await refusedWithEvent(`rm -f ${viewed}`, "inodeUnlink", keyOf(viewed));
  } finally {
    for (const s of sleepers) s.kill("SIGKILL");
  }
});

/**
 * A new root (a tmpfs with /usr bound in) that shows the tree at /data and a
 * tmpfs beneath it at /data/sub; with `pivot`, pivot_root into it and drop
 * the old root, else leave it to chroot.
 */
function newRootSetup(pivot: boolean): string[] {
  const r = newRoot;
  const made = [
    `mount -t tmpfs -o mode=0755 none ${r}`,
    `mkdir ${r}/usr ${r}/data ${r}/old ${r}/proc`,
    `mount --rbind /usr ${r}/usr`,
    ...["bin", "sbin", "lib", "lib64"].map((d) => `ln -s usr/${d} ${r}/${d}`),
    `mount --bind ${tree} ${r}/data`,
    `mount -t tmpfs -o mode=0777 none ${r}/data/sub`,
  ];
  // umount reads the new root's /proc/self/mountinfo.
  const pivoted = [
    `cd ${r}`,
    "pivot_root . old",
    "cd /",
    "mount -t proc proc /proc",
    "umount -l /old",
  ];
  return pivot ? [...made, ...pivoted] : made;
}

for (const pivot of [true, false])
  test(`a ${pivot ? "pivot_root" : "chroot"} view of the tree at /data, a tmpfs beneath it: kept for uid 1000, open to uid 1001`, () => {
    const via = pivot ? "" : `chroot ${newRoot} `;
    const tag = pivot ? "pivot-" : "chroot-";
    const run = (uid: number) =>
      asRootMade(
        newRootSetup(pivot),
        [...operations("/data", uid, tag), ...operations("/data/sub", uid, tag)].map((s) => ({
          ...s,
          name: `${s.name} in ${s.op.includes("/data/sub") ? "/data/sub" : "/data"}`,
          // Plants outside a pivot are made through the new root.
          ...(s.plant && !pivot ? { plant: `${newRoot}${s.plant}` } : {}),
        })),
        uid,
        via,
      );
    expectKept(pivot ? "pivot_root" : "chroot", run(RESTRICTED), run(OTHER));
  });

/** Runs `script` as uid 1000, expects the refusal and the event that reports it. */
async function refusedWithEvent(cmd: string, hook: EnforceHookName, file: FileKey) {
  const r = sh(`echo $$; exec ${cmd}`, RESTRICTED);
  assert.ok(denied(r), `${cmd}: ${r.stderr}`);
  const pid = Number(r.stdout.split("\n")[0]);
  await waitFor(() => seen.some((d) => d.tgid === pid));
  const e = seen.find((d) => d.tgid === pid);
  assert.equal(e?.outcome, "deny", cmd);
  assert.equal(e?.hook, hook, cmd);
  assert.equal(engine.ruleId(gen, e?.rule ?? null), "keep", cmd);
  assert.deepEqual(e?.file, file, cmd);
}
