// The example policies (examples/policies/) as an operator runs them: each
// file, unchanged, is validated with `proofwall validate` and applied with
// `proofwall apply` to the real agent, and real programs are then refused by
// the kernel (EPERM, or EACCES where the kernel words it so) or let through.
// The VM is first made into the machine the examples are written for: user
// alice with her ~/.ssh and ~/.aws, the groups, the services as systemd would
// place them (cgroups under system.slice), and the database, proxy, DNS and
// "internet" hosts as addresses on the loopback device with listeners here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { EXAMPLES_DIR } from "../policy/test-support.js";
import { denied, sh, type Ran } from "../enforce/test-support.js";
import { listenOn, Probe, PYTHON } from "../enforce/net-support.js";
import { AgentHarness, eventually } from "./agent-harness.js";
import type { NamedEvent } from "./event-names.js";
import { setUpExampleMachine, type ExampleMachine } from "./examples-machine.js";

requireTestVm();

const dir = mkdtempSync("/tmp/pw-examples-");
chmodSync(dir, 0o755);
const probe = new Probe(join(dir, "probe.py"));
const HOST = {
  database: "10.20.0.5",
  proxy: "10.0.0.8",
  dns: "10.0.0.53",
  internalDb: "10.1.2.3",
  internalApp: "10.9.0.4",
  internet: "198.51.100.7",
} as const;
const PORT = { postgres: 5432, proxy: 3128, https: 443, internal: 8080 } as const;
const CAT = "/usr/bin/cat";
const servers: Server[] = [];
const children: ChildProcess[] = [];
let m: ExampleMachine;
let agent: AgentHarness;

const listen = (server: Server, where: number | string) => listenOn(servers, server, where);

before(async () => {
  m = setUpExampleMachine(Object.values(HOST));
  // Dual stack on every local address: one listener per port serves every host.
  for (const port of Object.values(PORT)) await listen(createServer(), port);
  await listen(createServer(), "/run/docker.sock");
  chmodSync("/run/docker.sock", 0o666);
  const baseline = `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: before-the-examples }
spec: { mode: enforce, rules: [] }
`;
  agent = new AgentHarness(baseline, { kernel: true, pinRoot: "/sys/fs/bpf/pw-examples" });
  // No periodic re-resolve: every name exists before its example is applied.
  await agent.start(["--resolve-interval", "0"]);
});

after(async () => {
  if (agent) {
    const un = agent.cli(["uninstall"]);
    if (un.code === 0) await agent.exited();
    await agent.stop();
  }
  for (const c of children) c.kill();
  for (const s of servers) s.close();
});

/** `proofwall apply` to the agent: it checks the file again and switches atomically. */
function applyExample(file: string, name: string): void {
  const a = agent.cli(["apply", file]);
  assert.equal(a.code, 0, a.stdout + a.stderr);
  assert.match(a.stdout, new RegExp(`^applied: ${name} generation \\d+ `, "m"));
}

/** The first reported event each of `wants` accepts, waiting for all of them to arrive. */
async function reported(...wants: ((e: NamedEvent) => boolean)[]): Promise<NamedEvent[]> {
  return eventually(() => {
    const r = agent.cli(["events", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const all = r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as NamedEvent);
    const found = wants.map((w) => all.find(w));
    return found.every((e) => e !== undefined) ? (found as NamedEvent[]) : undefined;
  }, 60_000);
}

const refusedWith = (r: Ran, errno: RegExp) => r.status !== 0 && errno.test(r.stderr);

test("every example validates here: proofwall validate with the real resolver", () => {
  const files = readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join(EXAMPLES_DIR, f));
  const v = agent.cli(["validate", ...files], { control: false });
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.deepEqual(
    v.stdout
      .trim()
      .split("\n")
      .map((l) => l.replace(/ \d+ rules/, " N rules")),
    files.map((f) => `${f}: valid: N rules, 0 warnings`),
  );
});

test("protect-secrets: ~/.ssh, ~/.aws and /etc/shadow open only to the programs that use them", async () => {
  applyExample(join(EXAMPLES_DIR, "protect-secrets.yaml"), "protect-secrets");
  const { key, credentials } = m;
  for (const uid of [undefined, m.alice]) {
    assert.ok(denied(sh(`${CAT} ${key}`, uid)), `cat of the key, uid ${uid ?? 0}`);
    assert.ok(denied(sh(`${CAT} ${credentials}`, uid)), `cat of the credentials, uid ${uid ?? 0}`);
  }
  assert.ok(denied(sh(`${CAT} /etc/shadow`)), "root's cat of /etc/shadow");
  assert.ok(denied(sh(`/usr/bin/cp ${key} ${dir}/stolen`)), "cp of the key");
  assert.ok(denied(sh(`/usr/bin/mv ${key} ${dir}/moved`)), "mv of the key");
  // A copy of an allowed program is another file: refused like cat.
  const copy = join(dir, "ssh-keygen");
  copyFileSync("/usr/bin/ssh-keygen", copy);
  chmodSync(copy, 0o755);
  assert.ok(refusedWith(sh(`${copy} -y -f ${key}`), /not permitted/i), "a copy of ssh-keygen");

  // The programs the exceptions name do their work.
  const pub = sh(`/usr/bin/ssh-keygen -y -f ${key}`, m.alice);
  assert.equal(pub.status, 0, pub.stderr);
  assert.equal(pub.stdout.split(" ").slice(0, 2).join(" "), m.publicKey);
  const aws = sh(`/usr/local/bin/aws ${credentials}`);
  assert.equal(aws.status, 0, aws.stderr);
  assert.match(aws.stdout, /aws_access_key_id/);
  const chage = sh("/usr/bin/chage -l root");
  assert.equal(chage.status, 0, chage.stderr);
  assert.match(chage.stdout, /Last password change/);
  assert.equal(sh("/usr/bin/passwd -S root").status, 0);

  const [ev] = await reported((e) => e.action === "deny" && e.ruleId === "ssh-keys");
  assert.equal(ev?.resource, key);
});

test("service-database-only: app.service reaches its database and nothing else", async () => {
  applyExample(join(EXAMPLES_DIR, "service-database-only.yaml"), "service-database-only");
  const { internet, database } = HOST;
  const requests = [
    ["connect", database, PORT.postgres, "tcp"],
    ["connect", database, 22, "tcp"],
    ["connect", internet, PORT.https, "tcp"],
    ["sendto", internet, 53],
    ["connect", "127.0.0.1", PORT.postgres, "tcp"],
    ["connect", "::1", PORT.postgres, "tcp"],
  ] as const;
  const inService = probe.batch(requests, { cgroup: m.app });
  assert.deepEqual(inService.results, ["ok", "EPERM", "EPERM", "EPERM", "EPERM", "EPERM"]);
  // A worker the service put in a child cgroup is still the service.
  const worker = probe.batch(requests.slice(0, 3), { cgroup: m.appWorker });
  assert.deepEqual(worker.results, ["ok", "EPERM", "EPERM"]);
  // Everything outside the service is untouched.
  const outside = probe.batch(requests);
  assert.deepEqual(outside.results, ["ok", "ECONNREFUSED", "ok", "ok", "ok", "ok"]);

  // One event per process and rule a second: the first refusal is the one reported.
  const [ev] = await reported((e) => e.pid === inService.pid);
  assert.deepEqual(
    [ev?.action, ev?.ruleId, ev?.resource],
    ["deny", "app-no-other-egress", `${database}:22`],
  );
});

test("user-proxy-only: alice reaches the network only through the proxy, sudo included", async () => {
  applyExample(join(EXAMPLES_DIR, "user-proxy-only.yaml"), "user-proxy-only");
  const { proxy, internet } = HOST;
  const requests = [
    ["connect", proxy, PORT.proxy, "tcp"],
    ["connect", proxy, 22, "tcp"],
    ["connect", internet, PORT.https, "tcp"],
    ["sendto", internet, 53],
    ["connect", "127.0.0.1", PORT.postgres, "tcp"],
    ["connect", "::1", PORT.postgres, "tcp"],
  ] as const;
  const session = probe.batch(requests, { uid: m.alice, loginuid: m.alice });
  assert.deepEqual(session.results, ["ok", "EPERM", "EPERM", "EPERM", "ok", "ok"]);
  // sudo in her session: uid 0, her login uid.
  const sudo = probe.batch(requests.slice(0, 3), { loginuid: m.alice });
  assert.deepEqual(sudo.results, ["ok", "EPERM", "EPERM"]);
  // Her uid outside a login session (a job started for her by root).
  assert.equal(probe.connect(internet, PORT.https, "tcp", { uid: m.alice }), "EPERM");
  // Other users and root are untouched.
  assert.equal(probe.connect(internet, PORT.https, "tcp", { uid: 65534 }), "ok");
  assert.equal(probe.connect(internet, PORT.https, "tcp"), "ok");

  const [ev] = await reported((e) => e.pid === session.pid);
  assert.deepEqual(
    [ev?.action, ev?.ruleId, ev?.user, ev?.resource],
    ["deny", "alice-no-egress", "alice", `${proxy}:22`],
  );
});

test("egress-allowlist, audit first: reported but allowed, then the same rules deny", async () => {
  const example = join(EXAMPLES_DIR, "egress-allowlist.yaml");
  applyExample(example, "egress-allowlist");
  const { internalDb, internalApp, internet, dns } = HOST;
  const requests = [
    ["connect", internalDb, PORT.internal, "tcp"],
    ["connect", internet, PORT.https, "tcp"],
    ["connect", internalApp, PORT.internal, "tcp"],
    ["sendto", dns, 53],
    ["connect", "127.0.0.1", PORT.postgres, "tcp"],
  ] as const;
  const audited = probe.batch(requests);
  assert.deepEqual(audited.results, ["ok", "ok", "ok", "ok", "ok"], "audit mode refuses nothing");
  const [wouldDeny, byDefault] = await reported(
    (e) => e.pid === audited.pid && e.resource === `${internalDb}:${PORT.internal}`,
    (e) => e.pid === audited.pid && e.resource === `${internet}:${PORT.https}`,
  );
  assert.deepEqual([wouldDeny?.action, wouldDeny?.ruleId], ["audit", "internal-db"]);
  assert.deepEqual([byDefault?.action, byDefault?.ruleId], ["audit", null], "the default's");

  // The rollout's second step: the same file with its mode changed, applied.
  const text = readFileSync(example, "utf8");
  assert.equal(text.split("\n  mode: audit\n").length, 2, "one mode line to change");
  const enforcing = join(dir, "egress-allowlist.yaml");
  writeFileSync(enforcing, text.replace("\n  mode: audit\n", "\n  mode: enforce\n"));
  applyExample(enforcing, "egress-allowlist");
  const root = probe.batch(requests);
  assert.deepEqual(root.results, ["EPERM", "EPERM", "EPERM", "ok", "ok"]);
  const developer = probe.batch(requests.slice(0, 3), { uid: m.alice, groups: [m.developers] });
  assert.deepEqual(developer.results, ["EPERM", "EPERM", "ok"]);
  const nginx = probe.batch(
    [
      ["connect", internet, PORT.https, "tcp"],
      ["connect", internet, 22, "tcp"],
    ],
    { cgroup: m.nginx },
  );
  assert.deepEqual(nginx.results, ["ok", "EPERM"]);
  const [denial] = await reported(
    (e) => e.pid === root.pid && e.resource === `${internalDb}:${PORT.internal}`,
  );
  assert.deepEqual([denial?.action, denial?.ruleId], ["deny", "internal-db"]);
});

test("hardening: raw sockets, the Docker socket, /tmp and fileless exec, ptrace, mounts", async () => {
  applyExample(join(EXAMPLES_DIR, "hardening.yaml"), "hardening");
  const [inet, packet, raw, icmp] = [2, 17, 3, 1];
  assert.equal(probe.socket(inet, raw, icmp), "EPERM", "raw inet socket, root");
  assert.equal(probe.socket(packet, raw, 0), "EPERM", "packet socket, root");
  assert.equal(probe.socket(inet, 1, 0), "ok", "an ordinary TCP socket");
  const docker = "/run/docker.sock";
  assert.equal(probe.unix("stream", docker, { uid: m.alice, groups: [m.docker] }), "EPERM");
  assert.equal(probe.unix("stream", docker, { uid: m.alice }), "ok", "not in group docker");

  const inTmp = join(dir, "true");
  copyFileSync("/usr/bin/true", inTmp);
  chmodSync(inTmp, 0o755);
  assert.ok(denied(sh(inTmp)), "a program in /tmp");
  assert.equal(sh("/usr/bin/true").status, 0);
  const memfd = `import os; fd = os.memfd_create("x"); os.write(fd, open("/usr/bin/true", "rb").read()); os.execve(fd, ["x"], {})`;
  assert.ok(denied(sh(`${PYTHON} -c '${memfd}'`)), "fileless exec");

  const target = spawn("/usr/bin/sleep", ["300"]);
  children.push(target);
  const openMem = `try:\n    open("/proc/${target.pid}/mem", "rb"); print("opened")\nexcept OSError as e: print(e.errno)`;
  assert.equal(sh(`${PYTHON} -c '${openMem}'`).stdout.trim(), "13", "/proc/pid/mem: EACCES");
  assert.equal(
    sh(`${CAT} /proc/${target.pid}/status`).status,
    0,
    "reading status is not attaching",
  );

  const mnt = join(dir, "mnt");
  mkdirSync(mnt);
  const mount = `/usr/bin/mount -t tmpfs none ${mnt}`;
  const inBatch = sh(mount, { cgroup: m.batch });
  assert.ok(refusedWith(inBatch, /permission denied|not permitted/i), inBatch.stderr);
  assert.equal(sh(`${mount} && /usr/bin/umount ${mnt}`).status, 0, "outside the batch cgroup");
  // CAP_SYS_ADMIN is audited, not denied: the mount above went through and was reported.
  const [audit] = await reported((e) => e.ruleId === "raw-net-caps" && e.action === "audit");
  assert.equal(audit?.hook, "capability");
});
