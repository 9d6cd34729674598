// The fleet over TLS against a real etcd started here with client-certificate
// auth (--client-cert-auth, certificates from a throwaway openssl CA): a
// publish reaches a `proofwall agent --no-kernel` over mutual TLS; etcd
// refuses a client without a certificate; a client trusting the wrong CA, and
// a plain etcd:// url, fail naming the option to fix; bad TLS options fail
// before any network access; etcd users (--fleet-auth-file) on top of TLS.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "../agent/agent-harness.js";
import { generateSigningKey, privateKeyPem, trustedKeyLine } from "../signing/index.js";
import { readFleetConnection, type EtcdAccessFiles } from "./etcd-access.js";
import { connectEtcd } from "./etcd-client.js";
import { explainEtcdFailure } from "./etcd-failure.js";
import { EtcdHarness } from "./etcd-harness.js";
import { FleetAgentProcess, until } from "./fleet-harness.js";
import type { FleetView } from "./fleet-status.js";
import { FleetStore } from "./store.js";
import { makeTestPki, type TestPki } from "./test-pki.js";

const POLICY = `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: tls }
spec:
  mode: enforce
  defaults: { network: deny }
  rules:
    - { id: web, action: allow, network: { cidrs: [10.0.0.0/8], ports: [443] } }
`;

let root = "";
let pki: TestPki;
let etcd: EtcdHarness;
let url = "";
let keyFile = "";
let trustedFile = "";
let good: EtcdAccessFiles;
const agents: FleetAgentProcess[] = [];

const flags = (f: EtcdAccessFiles): string[] =>
  [
    ["--fleet-ca", f.ca],
    ["--fleet-cert", f.cert],
    ["--fleet-key", f.key],
    ["--fleet-auth-file", f.authFile],
  ].flatMap(([k, v]) => (v === undefined || k === undefined ? [] : [k, v]));

function cli(args: readonly string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 30000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const status = (fleet: string, f: EtcdAccessFiles) =>
  cli(["fleet", "status", "--json", "--fleet", fleet, ...flags(f)]);

async function withStore<T>(f: EtcdAccessFiles, job: (s: FleetStore) => Promise<T>): Promise<T> {
  const conn = readFleetConnection(url, f);
  const store = new FleetStore(connectEtcd(conn.url, conn.access), conn.url.prefix);
  try {
    return await job(store);
  } finally {
    store.close();
  }
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), "pw-fleet-tls-"));
  pki = makeTestPki(root);
  good = { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey };
  const key = generateSigningKey();
  keyFile = join(root, "signing.pem");
  trustedFile = join(root, "trusted-keys");
  writeFileSync(keyFile, privateKeyPem(key), { mode: 0o600 });
  writeFileSync(trustedFile, `${trustedKeyLine(key.publicKey)}\n`);
  etcd = await EtcdHarness.create({
    cert: pki.serverCert,
    key: pki.serverKey,
    clientCa: pki.ca,
  });
  url = etcd.fleetUrl("fleet-tls");
  const db = new FleetAgentProcess({ host: "db-1", labels: "role=db" }, root);
  const lost = new FleetAgentProcess({ host: "wrong-ca", labels: "role=db" }, root);
  agents.push(db, lost);
  await Promise.all([
    db.start(url, trustedFile, flags(good)),
    lost.start(url, trustedFile, flags({ ...good, ca: pki.otherCa })),
  ]);
});

after(async () => {
  await Promise.all(agents.map((a) => a.kill("SIGTERM")));
  await etcd?.destroy();
  rmSync(root, { recursive: true, force: true });
});

test("publish and apply over mutual TLS", async () => {
  writeFileSync(join(root, "p.yaml"), POLICY);
  let t0 = Date.now();
  const pub = cli([
    ...["fleet", "publish", "--policy", join(root, "p.yaml"), "--key", keyFile],
    ...["--fleet", url, ...flags(good)],
  ]);
  assert.equal(pub.code, 0, pub.stderr);
  console.log(`fleet publish (CLI, mutual TLS): ${Date.now() - t0} ms`);
  t0 = Date.now();
  const s = await until("db-1 on v1 over TLS", () =>
    withStore(good, async (store) => {
      const h = (await store.statuses()).hosts.find((x) => x.host === "db-1");
      return h?.applied?.version === 1 ? h : undefined;
    }),
  );
  console.log(`published to applied over mutual TLS: ${Date.now() - t0} ms`);
  assert.equal(s.health, "enforcing");
  const view = status(url, good);
  assert.equal(view.code, 0, view.stderr);
  const rows = (JSON.parse(view.stdout) as FleetView).hosts;
  assert.deepEqual(
    rows.map((r) => (r.kind === "live" ? r.status.host : r.host)),
    ["db-1"],
    "the agent that trusts the wrong CA never reported",
  );
});

test("an agent that trusts the wrong CA logs which option is wrong", async () => {
  const lost = agents[1];
  assert.ok(lost);
  await until("the wrong-CA warning", () =>
    Promise.resolve(
      lost.log.includes(`does not verify against --fleet-ca ${pki.otherCa}`) ? true : undefined,
    ),
  );
  assert.match(lost.log, /cannot report status to etcd; enforcing what we have/);
});

test("etcd refuses a client without a certificate", async () => {
  const noCert = { ca: pki.ca };
  const conn = readFleetConnection(url, noCert);
  const client = connectEtcd(conn.url, conn.access);
  const err = await client
    .get("/fleet-tls/x")
    .string()
    .then(
      () => null,
      (e: unknown) => e,
    );
  client.close();
  assert.notEqual(err, null, "etcd answered a client without a certificate");
  assert.match(String(await explainEtcdFailure(err, conn, noCert)), /demands a client certificate/);
  const r = status(url, noCert);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /etcd demands a client certificate: give --fleet-cert and --fleet-key/);
});

test("a client that trusts the wrong CA is refused, naming --fleet-ca", () => {
  const r = status(url, { ...good, ca: pki.otherCa });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /server's certificate does not verify against --fleet-ca .*other-ca\.pem/);
});

test("plain etcd:// to a TLS etcd says to use etcds://", () => {
  const r = status(url.replace(/^etcds:/, "etcd:"), {});
  assert.equal(r.code, 1);
  assert.match(r.stderr, /serves TLS, and the fleet url is plain etcd:\/\/: use etcds:\/\//);
});

test("bad TLS options fail before any network access, naming option and file", () => {
  const missing = join(root, "missing.pem");
  const cases: [EtcdAccessFiles, RegExp][] = [
    [{}, /etcds:\/\/ needs --fleet-ca <pem>/],
    [{ ca: missing }, /--fleet-ca .*missing\.pem: cannot read: ENOENT/],
    [{ ca: pki.clientKey }, /--fleet-ca .*pw-agent-key\.pem: no PEM certificate in it/],
    [{ ca: pki.ca, cert: pki.clientCert }, /--fleet-cert and --fleet-key go together/],
    [{ ...good, key: pki.serverKey }, /--fleet-key .*etcd-server-key\.pem: is not the key of/],
    [{ ...good, key: pki.clientCert }, /--fleet-key .*pw-agent\.pem: not an unencrypted PEM/],
  ];
  for (const [files, want] of cases) assert.throws(() => readFleetConnection(url, files), want);
  const port = url.replace(/^etcds:\/\/[^:]+:(\d+).*/, "$1");
  assert.throws(
    () => readFleetConnection(`etcd://127.0.0.1:${port}/p`, { ca: pki.ca }),
    /--fleet-ca: the fleet url is plain etcd:\/\/; use etcds:\/\//,
  );
  // The same through both commands: exit 1 with the message, not a stack.
  const agent = cli([
    ...["agent", "--no-kernel", "--fleet", url, "--fleet-ca", missing],
    ...["--control", join(root, "bad.sock"), "--state-dir", join(root, "bad-state")],
  ]);
  assert.equal(agent.code, 1);
  assert.match(agent.stderr, /^--fleet-ca .*missing\.pem: cannot read: ENOENT\n$/);
  const fleet = status(url, { ca: pki.ca, key: pki.clientKey });
  assert.equal(fleet.code, 1);
  assert.match(fleet.stderr, /--fleet-cert and --fleet-key go together/);
});

test("etcd users on top of TLS: --fleet-auth-file", async () => {
  await withStore(good, async ({ client }) => {
    const rootRole = await client.role("root").create();
    await client.user("root").create("s3cret:pass");
    await client.user("root").addRole(rootRole);
    await client.auth.authEnable();
  });
  const authFile = join(root, "etcd-user");
  writeFileSync(authFile, "root:s3cret:pass\n", { mode: 0o600 });
  const ok = status(url, { ...good, authFile });
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok((JSON.parse(ok.stdout) as FleetView).hosts.length >= 1);
  writeFileSync(authFile, "root:wrong\n");
  const wrong = status(url, { ...good, authFile });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /etcd refused the user in --fleet-auth-file .*etcd-user: wrong user/);
  writeFileSync(authFile, "root\n");
  const bad = status(url, { ...good, authFile });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--fleet-auth-file .*etcd-user: expected one line user:password/);
});
