// The files class against the real kernel: who is denied what, through which
// path, and what is reported. Each test applies its own policy (the switch is
// atomic) to one engine attached for the whole suite.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  writeFileSync,
  chmodSync,
  linkSync,
  symlinkSync,
} from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { compilePolicy } from "../compile/index.js";
import { fileKeyOf } from "../identity/file.js";
import type { PwDecision } from "../abi/decision.js";
import { Engine } from "./engine.js";
import { denied, filesRule, passFdScript, policyOf, sh, waitFor } from "./test-support.js";
import { EVERYONE, type Policy } from "../policy/model.js";
import type { FileKey } from "../abi/file-key.js";

requireTestVm();

const root = mkdtempSync("/tmp/pw-enf-");
const secretDir = join(root, "secret");
const secret = join(secretDir, "key");
const other = join(root, "other");
const myCat = join(root, "mycat");
let engine: Engine;
/** The system's python, reachable by unprivileged users (not a per-user shim). */
const PYTHON = "/usr/bin/python3";
const seen: PwDecision[] = [];

function apply(p: Policy): number {
  return engine.apply(compilePolicy(p));
}

before(() => {
  chmodSync(root, 0o777);
  mkdirSync(secretDir, { mode: 0o777 });
  chmodSync(secretDir, 0o777);
  writeFileSync(secret, "jewels\n", { mode: 0o666 });
  writeFileSync(other, "fine\n", { mode: 0o666 });
  chmodSync(secret, 0o666); // past the umask: uid 1000 may write
  chmodSync(other, 0o666);
  copyFileSync("/usr/bin/cat", myCat);
  chmodSync(myCat, 0o755);
  engine = Engine.load({ eventIntervalNs: 1_000_000_000n }).attach();
  engine.onDecision((d) => seen.push(d));
});

after(async () => {
  await engine[Symbol.asyncDispose]();
});

test("deny read to one user: that user is denied, root and other files are not", () => {
  apply(
    policyOf([
      filesRule("no-1000", "deny", [secret], {
        operations: ["read"],
        subjects: [{ identity: { kind: "user", uid: 1000 }, placement: null, exe: null }],
      }),
    ]),
  );
  assert.ok(denied(sh(`cat ${secret}`, 1000)));
  assert.equal(sh(`cat ${secret}`).stdout, "jewels\n");
  assert.equal(sh(`cat ${other}`, 1000).stdout, "fine\n");
  // Only read was denied: writing is still allowed.
  assert.equal(sh(`echo jewels >> ${secret} && echo ok`, 1000).stdout, "ok\n");
});

test("deny by executable: a copy of cat is denied, the original is not", () => {
  apply(
    policyOf([
      filesRule("no-mycat", "deny", [secret], {
        subjects: [{ identity: null, placement: null, exe: fileKeyOf(myCat) }],
      }),
    ]),
  );
  assert.ok(denied(sh(`${myCat} ${secret}`)));
  assert.match(sh(`cat ${secret}`).stdout, /jewels/);
});

test("a tree covers files inside it, new ones too, through any path", () => {
  apply(
    policyOf([
      filesRule("tree", "deny", [{ path: secretDir, tree: true }], {
        operations: ["read", "create"],
      }),
    ]),
  );
  assert.ok(denied(sh(`cat ${secret}`)));
  assert.ok(denied(sh(`cat /proc/self/root${secret}`)));
  symlinkSync(secret, join(root, "sym"));
  assert.ok(denied(sh(`cat ${join(root, "sym")}`)));
  assert.ok(denied(sh(`cat ${secretDir}/../secret/key`)));
  // Creating inside the tree is denied.
  assert.ok(denied(sh(`touch ${secretDir}/new`)));
  assert.equal(sh(`cat ${other}`).stdout, "fine\n");
});

test("a hard link outside the tree is outside it; an exact rule follows every link", () => {
  const link = join(root, "hard");
  linkSync(secret, link);
  apply(
    policyOf([
      filesRule("tree", "deny", [{ path: secretDir, tree: true }], { operations: ["read"] }),
    ]),
  );
  assert.match(sh(`cat ${link}`).stdout, /jewels/);
  apply(policyOf([filesRule("exact", "deny", [secret], { operations: ["read"] })]));
  assert.ok(denied(sh(`cat ${link}`)));
});

test("a bind mount of the protected tree does not escape it", () => {
  const mnt = join(root, "mnt");
  mkdirSync(mnt);
  assert.equal(sh(`mount --bind ${secretDir} ${mnt}`).status, 0);
  try {
    apply(
      policyOf([
        filesRule("tree", "deny", [{ path: secretDir, tree: true }], { operations: ["read"] }),
      ]),
    );
    assert.ok(denied(sh(`cat ${mnt}/key`)));
  } finally {
    sh(`umount ${mnt}`);
  }
});

/** Mounts (a tmpfs, or `--bind src`) at `at` for the length of `body`. */
async function withMount(what: string, at: string, body: () => unknown): Promise<void> {
  mkdirSync(at, { recursive: true });
  const r = sh(`mount ${what} ${at}`);
  assert.equal(r.status, 0, r.stderr);
  try {
    await body();
  } finally {
    sh(`umount ${at}`);
  }
}

/** A file anyone may read, written at `path`. */
function plant(path: string): string {
  writeFileSync(path, "planted\n", { mode: 0o666 });
  return path;
}

/** Denies reading the tree at `path`, keyed by `key` (by default what stat(2) gives now). */
function readTree(id: string, path: string, key: FileKey = fileKeyOf(path)): Policy {
  const resource = { kind: "files" as const, targets: [{ path, key, tree: true }] };
  return policyOf([
    { id, action: "deny", subjects: [EVERYONE], resource: { ...resource, operations: ["read"] } },
  ]);
}

test("a tree covers a filesystem mounted beneath it: refused, with an event naming the rule", () =>
  withMount("-t tmpfs none", join(secretDir, "cache"), async () => {
    const onTmpfs = plant(join(secretDir, "cache", "blob"));
    seen.length = 0;
    const gen = apply(readTree("tree", secretDir));
    const r = sh(`echo $$; exec cat ${onTmpfs}`);
    assert.ok(denied(r), r.stderr);
    assert.ok(denied(sh(`cat ${secretDir}/cache/../cache/blob`)));
    assert.ok(denied(sh(`cat /proc/self/root${onTmpfs}`)));
    assert.equal(sh(`cat ${other}`).stdout, "fine\n");
    const pid = Number(r.stdout.split("\n")[0]);
    await waitFor(() => seen.some((d) => d.tgid === pid));
    const e = seen.find((d) => d.tgid === pid);
    assert.equal(e?.outcome, "deny");
    assert.equal(e?.hook, "fileOpen");
    assert.equal(engine.ruleId(gen, e?.rule ?? null), "tree");
    assert.deepEqual(e?.file, fileKeyOf(onTmpfs));
  }));

test("a tree on a mount point covers the mounted filesystem, named before or after the mount", async () => {
  const vault = join(root, "vault");
  mkdirSync(vault);
  const underneath = fileKeyOf(vault);
  await withMount("-t tmpfs none", vault, () => {
    const onTmpfs = plant(join(vault, "blob"));
    mkdirSync(join(vault, "deep"));
    const deeper = plant(join(vault, "deep", "blob"));
    // Named now: the path resolves (stat) to the root of the tmpfs.
    apply(readTree("after", vault));
    assert.ok(denied(sh(`cat ${onTmpfs}`)));
    assert.ok(denied(sh(`cat ${deeper}`)));
    // Named before the mount: the directory the tmpfs covers, which the walk
    // meets when it crosses from the tmpfs to the mount point.
    apply(readTree("before", vault, underneath));
    assert.ok(denied(sh(`cat ${onTmpfs}`)));
    assert.ok(denied(sh(`cat ${deeper}`)));
    assert.equal(sh(`cat ${other}`).stdout, "fine\n");
  });
});

test("a directory bind-mounted into a tree is covered there, not at its own path", async () => {
  const pub = join(root, "pub");
  mkdirSync(pub);
  const file = plant(join(pub, "note"));
  await withMount(`--bind ${pub}`, join(secretDir, "pub"), () => {
    apply(readTree("tree", secretDir));
    assert.ok(denied(sh(`cat ${secretDir}/pub/note`)));
    assert.equal(sh(`cat ${file}`).stdout, "planted\n");
  });
});

test("controls: a tmpfs outside the tree reads; a create rule on the tree reaches a mount beneath it", async () => {
  const elsewhere = join(root, "elsewhere");
  await withMount("-t tmpfs none", elsewhere, () => {
    const file = plant(join(elsewhere, "blob"));
    apply(readTree("tree", secretDir));
    assert.equal(sh(`cat ${file}`).stdout, "planted\n");
  });
  // inode_create takes the mount from path_mknod (bpf/include/pw_mount_hint.h),
  // so its walk crosses from the tmpfs root to the tree (file-mounts.kernel.test.ts
  // has every operation).
  await withMount("-t tmpfs none", join(secretDir, "cache"), () => {
    apply(
      policyOf([
        filesRule("no-create", "deny", [{ path: secretDir, tree: true }], {
          operations: ["create"],
        }),
      ]),
    );
    assert.ok(denied(sh(`touch ${secretDir}/new2`)));
    assert.ok(denied(sh(`touch ${secretDir}/cache/new`)));
    assert.equal(sh(`touch ${root}/created-outside && echo ok`).stdout, "ok\n");
  });
});

test("an exec tree covers programs on a filesystem mounted beneath it", async () => {
  apply(policyOf([])); // the last test's create rule would refuse the mount point
  await withMount("-t tmpfs none", join(secretDir, "bin"), () => {
    const prog = join(secretDir, "bin", "true");
    copyFileSync("/usr/bin/true", prog);
    chmodSync(prog, 0o755);
    const exec = {
      id: "no-exec",
      action: "deny" as const,
      subjects: [EVERYONE],
      resource: {
        kind: "exec" as const,
        memfd: false,
        anonymousMemory: false,
        targets: [{ path: secretDir, key: fileKeyOf(secretDir), tree: true }],
      },
    };
    apply(policyOf([exec]));
    assert.ok(denied(sh(prog)));
    assert.equal(sh(`/usr/bin/true && echo ok`).stdout, "ok\n");
  });
});

test("rename out of a protected directory is denied; so is deleting", () => {
  apply(
    policyOf([
      filesRule("keep", "deny", [{ path: secretDir, tree: true }], {
        operations: ["rename", "delete", "link"],
      }),
    ]),
  );
  assert.ok(denied(sh(`mv ${secret} ${root}/stolen`)));
  assert.ok(denied(sh(`rm -f ${secret}`)));
  assert.ok(denied(sh(`ln ${secret} ${root}/stolen2`)));
  assert.match(sh(`cat ${secret}`).stdout, /jewels/);
});

test("moving a file into a protected tree is a create there", () => {
  apply(
    policyOf([
      filesRule("no-create", "deny", [{ path: secretDir, tree: true }], { operations: ["create"] }),
    ]),
  );
  writeFileSync(join(root, "incoming"), "x");
  assert.ok(denied(sh(`mv ${root}/incoming ${secretDir}/incoming`)));
});

test("setattr: chmod and truncate of a protected file are denied", () => {
  apply(policyOf([filesRule("no-attr", "deny", [secret], { operations: ["setattr"] })]));
  assert.ok(denied(sh(`chmod 600 ${secret}`)));
  assert.ok(denied(sh(`truncate -s 0 ${secret}`)));
});

test("an fd passed over SCM_RIGHTS is checked at receive", () => {
  apply(
    policyOf([
      filesRule("no-1000", "deny", [secret], {
        operations: ["read"],
        subjects: [{ identity: { kind: "user", uid: 1000 }, placement: null, exe: null }],
      }),
    ]),
  );
  const passTo = (uid: number) => {
    const r = sh(passFdScript(secret, uid, join(root, `fd-${uid}.sock`)));
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split("\n")[0];
  };
  assert.equal(passTo(1000), "0", "uid 1000 got no fd");
  assert.equal(passTo(1001), "1", "uid 1001 got the fd");
});

test("audit mode allows and reports the would-be denial with the rule id", async () => {
  seen.length = 0;
  const gen = apply(
    policyOf([filesRule("watch", "deny", [secret], { operations: ["read"] })], "audit"),
  );
  const r = sh(`echo $$; exec cat ${secret}`);
  assert.match(r.stdout, /jewels/);
  const pid = Number(r.stdout.split("\n")[0]);
  await waitFor(() => seen.some((d) => d.tgid === pid));
  const e = seen.find((d) => d.tgid === pid);
  assert.equal(e?.outcome, "wouldDeny");
  assert.equal(e?.hook, "fileOpen");
  assert.equal(engine.ruleId(gen, e?.rule ?? null), "watch");
  assert.deepEqual(e?.file, fileKeyOf(secret));
  assert.equal(e?.comm, "cat");
});

test("a loop of denials is reported once per interval, with a count of the rest", async () => {
  seen.length = 0;
  const gen = apply(policyOf([filesRule("loop", "deny", [secret], { operations: ["read"] })]));
  const r = sh(`echo $$; exec ${PYTHON} -c "
import time
for i in range(50):
  try: open('${secret}')
  except PermissionError: pass
time.sleep(1.1)
try: open('${secret}')
except PermissionError: pass"`);
  const pid = Number(r.stdout.split("\n")[0]);
  await waitFor(() => seen.filter((d) => d.tgid === pid).length >= 2);
  const mine = seen.filter((d) => d.tgid === pid);
  assert.equal(mine.length, 2, "one event per interval");
  assert.equal(mine[0]?.outcome, "deny");
  assert.equal(engine.ruleId(gen, mine[0]?.rule ?? null), "loop");
  assert.equal(mine[1]?.suppressed, 49);
});
