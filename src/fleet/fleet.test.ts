// The fleet end to end against a real etcd started here (free ports, a temp
// data dir, killed at the end) and real `proofwall agent --no-kernel --fleet`
// processes: publish, targeting, refusals (bad signature, tampering, invalid
// policy, replay), staged rollouts (canary share, audit first) and promotion,
// rollback, etcd restarted mid-rollout, an agent killed and restarted from its
// cache, and a dead agent showing as dead. One agent enforcing in the test VM
// is not here yet: it needs the kernel enforcer (src/enforce/).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "../agent/agent-harness.js";
import {
  generateSigningKey,
  privateKeyPem,
  signEnvelope,
  trustedKeyLine,
  type SignedEnvelope,
} from "../signing/index.js";
import { EtcdHarness } from "./etcd-harness.js";
import { FleetAgentProcess, until } from "./fleet-harness.js";
import { BUNDLE_SUBJECT, type HostStatus } from "./model.js";
import { promote, rollback, startRollout } from "./rollout.js";
import { readEtcdAccess } from "./etcd-access.js";
import { connectEtcd } from "./etcd-client.js";
import { FleetStore } from "./store.js";
import { parseFleetUrl } from "./fleet-url.js";
import { signBundle } from "./bundle-sign.js";
import { parseTrustedKeys } from "../signing/index.js";

const policy = (name: string, port: number, mode = "enforce") => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: ${mode}
  defaults: { network: deny }
  rules:
    - { id: web, action: allow, network: { cidrs: [10.0.0.0/8], ports: [${port}] } }
`;
const sha = (t: string) => createHash("sha256").update(t).digest("hex");

const HOSTS = [
  { host: "db-1", labels: "role=db,env=prod" },
  { host: "db-2", labels: "role=db,env=prod" },
  { host: "db-3", labels: "role=db,env=prod" },
  { host: "web-1", labels: "role=web,env=prod" },
  { host: "web-2", labels: "role=web,env=prod" },
  { host: "db-stage", labels: "role=db,env=staging" },
];
const DB_PROD = ["db-1", "db-2", "db-3"];

const key = generateSigningKey();
const attacker = generateSigningKey();
const trustedText = `${trustedKeyLine(key.publicKey, "# fleet test")}\n`;
const tk = parseTrustedKeys(trustedText, "test");
const trusted = tk.kind === "ok" ? tk.keys : new Map();
let root = "";
let etcd: EtcdHarness;
let store: FleetStore;
let url = "";
let keyFile = "";
let trustedFile = "";
const agents = new Map<string, FleetAgentProcess>();

async function statuses(): Promise<Map<string, HostStatus>> {
  return new Map((await store.statuses()).hosts.map((h) => [h.host, h]));
}

/** Waits until every named host reports `version` applied; returns their statuses. */
async function applied(
  hosts: readonly string[],
  version: number,
): Promise<Map<string, HostStatus>> {
  return until(`${hosts.join(",")} on v${version}`, async () => {
    const s = await statuses();
    const lagging = hosts.filter((h) => s.get(h)?.applied?.version !== version);
    if (lagging.length > 0) throw new Error(`lagging: ${lagging.join(",")}`);
    return s;
  });
}

/** Waits until `host` reports a refusal for `version` with `code`. */
async function refused(host: string, version: number, code: string): Promise<HostStatus> {
  return until(`${host} refusing v${version} (${code})`, async () => {
    const s = (await statuses()).get(host);
    return s?.errors.some((e) => e.version === version && e.code === code) ? s : undefined;
  });
}

const others = (hosts: readonly string[]) =>
  HOSTS.map((h) => h.host).filter((h) => !hosts.includes(h));

function cli(args: readonly string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 30000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), "pw-fleet-"));
  keyFile = join(root, "signing.pem");
  trustedFile = join(root, "trusted-keys");
  writeFileSync(keyFile, privateKeyPem(key), { mode: 0o600 });
  writeFileSync(trustedFile, trustedText);
  etcd = await EtcdHarness.create();
  url = etcd.fleetUrl("fleet-test");
  const u = parseFleetUrl(url);
  store = new FleetStore(connectEtcd(u, readEtcdAccess(u, {})), u.prefix);
  for (const spec of HOSTS) agents.set(spec.host, new FleetAgentProcess(spec, root));
  const t0 = Date.now();
  await Promise.all([...agents.values()].map((a) => a.start(url, trustedFile)));
  console.log(`${agents.size} agents started in ${Date.now() - t0} ms`);
});

after(async () => {
  await Promise.all([...agents.values()].map((a) => a.kill("SIGTERM")));
  store?.close();
  await etcd?.destroy();
  rmSync(root, { recursive: true, force: true });
});

test("publish to all, then to role=db,env=prod only (signed with the CLI)", async () => {
  const all = policy("base", 443);
  writeFileSync(join(root, "base.yaml"), all);
  const bundle = join(root, "v1.json");
  const signed = cli([
    "fleet",
    "sign",
    "--policy",
    join(root, "base.yaml"),
    "--bundle-version",
    "1",
    "--key",
    keyFile,
    "-o",
    bundle,
  ]);
  assert.equal(signed.code, 0, signed.stderr);
  const t0 = Date.now();
  const pub = cli(["fleet", "publish", bundle, "--fleet", url, "--trusted-keys", trustedFile]);
  assert.equal(pub.code, 0, pub.stderr);
  const s1 = await applied(
    HOSTS.map((h) => h.host),
    1,
  );
  console.log(`publish (CLI) to applied on ${s1.size} hosts: ${Date.now() - t0} ms`);
  for (const s of s1.values()) {
    assert.equal(s.applied?.policyHash, sha(all));
    assert.equal(s.health, "enforcing");
    assert.equal(s.engine, "no-kernel");
    assert.equal(s.programs, null, "no-kernel reports no program hashes");
  }
  // The daemon itself enforces the bundle's policy (its own view, not the report).
  const d = await agents.get("db-1")?.daemonStatus();
  assert.equal(d?.enforcer.state.kind === "enforcing" && d.enforcer.state.policy.hash, sha(all));

  const db = policy("db", 5432);
  const input = { policy: db, source: "db.yaml", selector: "role=db,env=prod", expiresAt: null };
  await store.publish(signBundle({ ...input, version: 2 }, key));
  const s2 = await applied(DB_PROD, 2);
  for (const h of DB_PROD) assert.equal(s2.get(h)?.applied?.policyHash, sha(db));
  const rest = await statuses();
  for (const h of others(DB_PROD)) assert.equal(rest.get(h)?.applied?.version, 1, h);
});

test("bad signature, unknown key, tampered bytes, invalid policy, expired: refused, nothing applied", async () => {
  const evil = policy("evil", 1);
  const forged = signEnvelope(
    { subject: BUNDLE_SUBJECT, policy: evil, version: 3, selector: "", expiresAt: null },
    attacker,
  );
  await store.putRaw(3, JSON.stringify(forged));
  const genuine = signBundle(
    { policy: policy("ok", 8443), source: "x", version: 4, selector: "", expiresAt: null },
    key,
  );
  const tampered: SignedEnvelope = { ...genuine, policy: evil };
  await store.putRaw(4, JSON.stringify(tampered));
  // Signed with the trusted key, but the policy fails the agent's check.
  const invalid = signEnvelope(
    {
      subject: BUNDLE_SUBJECT,
      policy: policy("bad", 443).replace("allow", "permit"),
      version: 5,
      selector: "host=web-1",
      expiresAt: null,
    },
    key,
  );
  await store.putRaw(5, JSON.stringify(invalid));
  const expired = signBundle(
    {
      policy: evil,
      source: "x",
      version: 6,
      selector: "host=web-2",
      expiresAt: "2020-01-01T00:00:00Z",
    },
    key,
  );
  await store.putRaw(6, JSON.stringify(expired));

  const web1 = await refused("web-1", 5, "invalid-check");
  assert.match(
    web1.errors.find((e) => e.version === 5)?.message ?? "",
    /fleet-bundle-v5\.yaml:\d+:\d+: error/,
  );
  await refused("web-2", 6, "expired");
  for (const h of HOSTS.map((x) => x.host)) {
    const s = await refused(h, 3, "unknown-key");
    await refused(h, 4, "bad-signature");
    assert.ok(s.applied && s.applied.version <= 2, `${h} kept its bundle`);
    assert.equal(s.health, "enforcing");
  }
  const s = await statuses();
  for (const h of DB_PROD) assert.equal(s.get(h)?.applied?.version, 2);
  for (const h of others(DB_PROD)) assert.equal(s.get(h)?.applied?.version, 1);
});

test("replay: an old genuine bundle under a new key is refused", async () => {
  const v2 = await store.bundle(2);
  assert.ok(v2);
  const next = (await store.maxVersion()) + 1;
  await store.putRaw(next, v2);
  for (const h of DB_PROD) {
    const s = await refused(h, next, "replay");
    assert.match(s.errors.at(-1)?.message ?? "", /version 2 is not newer than 2 applied/);
    assert.equal(s.applied?.version, 2);
  }
});

test("staged rollout: a canary share first, promoted once it is healthy", async () => {
  const next = policy("db-next", 6432);
  const input = {
    policy: next,
    source: "db-next.yaml",
    selector: "role=db,env=prod",
    expiresAt: null,
  };
  const r = await startRollout(store, { ...input, percent: 30, auditFirst: false }, key);
  assert.equal(r.stage, "canary");
  assert.equal(r.waitFor.length, 1, "30% of 3 hosts is one canary");
  const canary = r.waitFor[0] ?? "";
  await applied([canary], r.version);
  await new Promise((res) => setTimeout(res, 1500)); // time enough for others to (wrongly) follow
  const s = await statuses();
  for (const h of DB_PROD.filter((x) => x !== canary))
    assert.equal(s.get(h)?.applied?.version, 2, h);

  const p = await promote(store, key, trusted);
  assert.equal(p.kind, "promoted");
  const done = await applied(DB_PROD, r.version + 1);
  for (const h of DB_PROD) assert.equal(done.get(h)?.applied?.policyHash, sha(next));
  assert.equal((await store.rollout())?.stage, "complete");
});

test("audit first, promotion waits for the staged hosts, then enforces", async () => {
  const webPolicy = policy("web", 80);
  const input = { policy: webPolicy, source: "web.yaml", selector: "role=web", expiresAt: null };
  const r = await startRollout(store, { ...input, percent: 100, auditFirst: true }, key);
  assert.equal(r.stage, "audit");
  assert.deepEqual(r.waitFor, ["web-1", "web-2"]);
  const s = await applied(["web-1", "web-2"], r.version);
  for (const h of ["web-1", "web-2"]) assert.equal(s.get(h)?.applied?.mode, "audit");
  const p = await promote(store, key, trusted);
  assert.equal(p.kind, "promoted");
  const done = await applied(["web-1", "web-2"], r.version + 1);
  for (const h of ["web-1", "web-2"]) {
    assert.equal(done.get(h)?.applied?.mode, "enforce");
    assert.equal(done.get(h)?.applied?.policyHash, sha(webPolicy));
  }
});

test("promotion refuses while a canary has not applied; etcd restarted mid-rollout", async () => {
  const input = {
    policy: policy("db-3rd", 7000),
    source: "db3.yaml",
    selector: "role=db,env=prod",
    expiresAt: null,
  };
  const r = await startRollout(store, { ...input, percent: 50, auditFirst: false }, key);
  assert.equal(r.waitFor.length, 2);
  await applied(r.waitFor, r.version);

  await etcd.stop();
  // Without etcd every agent keeps enforcing: ask the daemons themselves.
  for (const a of agents.values()) {
    const d = await a.daemonStatus();
    assert.equal(d.enforcer.state.kind, "enforcing", a.spec.host);
  }
  await etcd.start();
  // Leases may have lapsed: every host must come back to the live set.
  const back = await until("all hosts reporting after the restart", async () => {
    const s = await statuses();
    return s.size === HOSTS.length ? s : undefined;
  });
  for (const h of r.waitFor) assert.equal(back.get(h)?.applied?.version, r.version);

  // A canary killed mid-rollout blocks promotion, with the reason.
  const victim = r.waitFor[0] ?? "";
  await agents.get(victim)?.kill("SIGKILL");
  await until(`${victim}'s lease to expire`, async () =>
    (await statuses()).has(victim) ? undefined : true,
  );
  const waiting = await promote(store, key, trusted);
  assert.equal(waiting.kind, "waiting");
  const reasons = waiting.kind === "waiting" ? waiting.reasons.join("\n") : "";
  assert.match(reasons, new RegExp(`^${victim}: not reporting`));
  const view = cli(["fleet", "status", "--fleet", url]);
  assert.equal(view.code, 0, view.stderr);
  assert.match(view.stdout, new RegExp(`^${victim} +dead`, "m"));
  assert.match(view.stdout, /rollout: v\d+ canary \(waiting for/);

  await agents.get(victim)?.start(url, trustedFile);
  await applied([victim], r.version);
  const p = await promote(store, key, trusted);
  assert.equal(p.kind, "promoted");
  await applied(DB_PROD, r.version + 1);
});

test("an agent killed and restarted without etcd recovers from its cache", async () => {
  const a = agents.get("db-2");
  assert.ok(a);
  const before = (await statuses()).get("db-2")?.applied;
  assert.ok(before);
  await a.kill("SIGKILL");
  await etcd.stop();
  try {
    await a.start(url, trustedFile);
    const d = await a.daemonStatus();
    const enforced = d.enforcer.state.kind === "enforcing" && d.enforcer.state.policy.hash;
    assert.equal(enforced, before.policyHash, "the cached bundle is enforced without etcd");
    const fleet = await a.daemonStatus();
    assert.equal(fleet.lastApply?.trigger, "fleet");
  } finally {
    await etcd.start();
  }
  const s = await until("db-2 back, confirmed from etcd", async () => {
    const st = (await statuses()).get("db-2");
    return st?.applied?.source === "etcd" && st.pid === a.pid ? st : undefined;
  });
  assert.equal(s.applied?.version, before.version);
  assert.equal(s.applied?.bundleSha256, before.bundleSha256);
});

test("rollback re-signs an old policy as a new, higher version", async () => {
  const max = await store.maxVersion();
  const b = await rollback(store, 2, key, trusted, { expiresAt: null });
  assert.equal(b.version, max + 1);
  assert.equal(b.selector, "role=db,env=prod");
  const s = await applied(DB_PROD, b.version);
  for (const h of DB_PROD) assert.equal(s.get(h)?.applied?.policyHash, sha(policy("db", 5432)));
  const cliRollback = cli([
    "fleet",
    "rollback",
    "--fleet",
    url,
    "--to",
    "1",
    "--key",
    keyFile,
    "--trusted-keys",
    trustedFile,
  ]);
  assert.equal(cliRollback.code, 0, cliRollback.stderr);
  const all = await applied(
    HOSTS.map((h) => h.host),
    b.version + 1,
  );
  for (const st of all.values()) assert.equal(st.applied?.policyHash, sha(policy("base", 443)));
});
