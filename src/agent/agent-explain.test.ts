// `proofwall explain` against a running agent agrees with decide() on
// requests this test builds by hand from stat(2) and id(1); simulated
// decisions show up named in `proofwall events`, status and /metrics.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { FileKey } from "../abi/file-key.js";
import {
  checkPolicy,
  decide,
  parsePolicy,
  type Policy,
  type Protocol,
  type Request,
  type SubjectIdentity,
} from "../policy/index.js";
import { cgroup2Root, systemResolver } from "../policy/system-resolver.js";
import { AgentHarness, CLI, eventually } from "./agent-harness.js";
import { ask } from "./control-client.js";
import type { NamedEvent } from "./event-names.js";

const resolver = systemResolver();
const key = (p: string): FileKey => {
  const f = resolver.file(p);
  assert.equal(f.kind, "found", p);
  return f.kind === "found" ? f.key : { dev: 0, ino: 0n };
};
const ancestors = (p: string): FileKey[] => {
  const out: FileKey[] = [];
  for (let d = dirname(p); ; d = dirname(d)) {
    out.push(key(d));
    if (d === "/") return out;
  }
};
const ids = (flag: string, user: string) =>
  spawnSync("id", [flag, user], { encoding: "utf8" }).stdout.trim().split(" ").map(Number);

function subject(user: "root" | "nobody", exe: string | null): SubjectIdentity {
  const [uid = 0] = ids("-u", user);
  const [gid = 0] = ids("-g", user);
  const root = resolver.cgroup(cgroup2Root(readFileSync("/proc/self/mounts", "utf8")));
  assert.equal(root.kind, "found");
  return {
    uid,
    gid,
    groups: ids("-G", user).filter((g) => g !== gid),
    loginuid: uid,
    cgroups: root.kind === "found" ? [root.id] : [],
    exe: exe === null ? { dev: 0, ino: 0n } : key(exe),
  };
}

function policyText(d: string): string {
  return `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: explained }
spec:
  mode: enforce
  defaults: { network: deny }
  rules:
    - { id: secret, action: deny, files: { paths: [${d}/secret] } }
    - { id: tree, action: audit, files: { paths: [${d}/tree/] } }
    - id: inner-root
      action: allow
      subjects: [{ user: root }]
      files: { paths: [${d}/tree/inner], operations: [read] }
    - { id: web, action: allow, subjects: [{ executable: /usr/bin/curl }], network: { cidrs: [10.0.0.0/8], ports: [443] } }
    - { id: dns, action: deny, network: { cidrs: [10.0.0.53], protocols: [udp] } }
    - { id: raw, action: deny, sockets: { families: [packet] } }
    - { id: admin, action: deny, subjects: [{ user: nobody }], capabilities: [CAP_SYS_ADMIN] }
`;
}

test("explain agrees with decide() on hand-built requests; events, status and metrics count simulated ones", async () => {
  const h = new AgentHarness("placeholder");
  const d = realpathSync(h.dir);
  mkdirSync(join(d, "tree"));
  writeFileSync(join(d, "secret"), "s");
  writeFileSync(join(d, "tree", "inner"), "i");
  writeFileSync(h.policyFile, policyText(d));
  const port = 20000 + Math.floor(Math.random() * 20000);
  try {
    await h.start(["--metrics", `127.0.0.1:${port}`]);
    const ast = parsePolicy(policyText(d), "p.yaml");
    assert.equal(ast.kind, "ok");
    const checked = ast.kind === "ok" ? checkPolicy(ast.value, resolver) : ast;
    assert.equal(checked.kind, "ok", JSON.stringify(checked.issues));
    const policy = (checked as { value: Policy }).value;
    const file = (p: string) => ({ self: key(p), ancestors: ancestors(p) });
    const net = (a: string, port: number, protocol: Protocol) => {
      const [x = 0, y = 0, z = 0, w = 0] = a.split(".").map(Number);
      return {
        kind: "connect" as const,
        family: 4 as const,
        addr: BigInt(((x << 24) | (y << 16) | (z << 8) | w) >>> 0),
        port,
        protocol,
      };
    };
    const cases: { args: string[]; request: Request }[] = [
      {
        args: ["--user", "root", "--open", `${d}/secret`],
        request: {
          kind: "file-open",
          operation: "read",
          file: file(`${d}/secret`),
          subject: subject("root", null),
        },
      },
      {
        args: ["--user", "root", "--open", `${d}/tree/inner`],
        request: {
          kind: "file-open",
          operation: "read",
          file: file(`${d}/tree/inner`),
          subject: subject("root", null),
        },
      },
      {
        args: ["--user", "nobody", "--open", `${d}/tree/inner`, "--write"],
        request: {
          kind: "file-open",
          operation: "write",
          file: file(`${d}/tree/inner`),
          subject: subject("nobody", null),
        },
      },
      {
        args: ["--user", "root", "--create", `${d}/tree/new`],
        request: {
          kind: "file-op",
          operation: "create",
          file: { self: null, ancestors: [key(`${d}/tree`), ...ancestors(`${d}/tree`)] },
          subject: subject("root", null),
        },
      },
      {
        args: ["--user", "root", "--exe", "/usr/bin/curl", "--connect", "10.0.0.5:443"],
        request: { ...net("10.0.0.5", 443, "tcp"), subject: subject("root", "/usr/bin/curl") },
      },
      {
        args: ["--user", "root", "--connect", "10.0.0.5:443"],
        request: { ...net("10.0.0.5", 443, "tcp"), subject: subject("root", null) },
      },
      {
        args: ["--connect", "10.0.0.53:53", "--udp"],
        request: { ...net("10.0.0.53", 53, "udp"), subject: subject("root", null) },
      },
      {
        args: ["--ping", "10.0.0.5"],
        request: { ...net("10.0.0.5", 0, "icmp"), subject: subject("root", null) },
      },
      {
        args: ["--socket", "packet:raw"],
        request: { kind: "socket-create", family: 17, type: 3, subject: subject("root", null) },
      },
      {
        args: ["--user", "nobody", "--capability", "CAP_SYS_ADMIN"],
        request: { kind: "capability", cap: 21, subject: subject("nobody", null) },
      },
      {
        args: ["--user", "root", "--capability", "CAP_SYS_ADMIN"],
        request: { kind: "capability", cap: 21, subject: subject("root", null) },
      },
    ];
    const seen = new Set<string>();
    for (const c of cases) {
      const r = h.cli(["explain", ...c.args, "--json"]);
      assert.equal(r.code, 0, `${c.args.join(" ")}: ${r.stderr}`);
      const got = (JSON.parse(r.stdout) as { decision: { action: string; ruleId: string | null } })
        .decision;
      const want = decide(policy, c.request);
      assert.deepEqual([got.action, got.ruleId], [want.action, want.ruleId], c.args.join(" "));
      seen.add(`${want.action} ${want.ruleId ?? "default"}`);
    }
    // The cases reach every rule and both defaults.
    assert.ok(seen.size >= 9, [...seen].join(", "));
    const text = h.cli(["explain", "--user", "root", "--open", `${d}/secret`]);
    assert.match(
      text.stdout,
      /^deny by rule secret\nwhy: +rule secret ranks highest among the matching files rules: resource the file itself, subject everyone\npolicy: explained generation 1, decided by decide\(\) on the policy in force\n$/,
    );

    // A follower sees what happens after it connects.
    const follower = spawn(process.execPath, [
      CLI,
      "events",
      "--follow",
      "--json",
      "--control",
      h.socket,
    ]);
    let followed = "";
    follower.stdout.on("data", (c: Buffer) => (followed += c.toString()));
    await new Promise((r) => setTimeout(r, 500));
    const sim = (query: unknown) =>
      ask(h.socket, { op: "simulate", query: query as never, pid: process.pid, comm: "node" });
    for (const q of [
      {
        user: "root",
        exe: process.execPath,
        resource: { kind: "open", path: `${d}/secret`, write: false },
      },
      {
        user: "root",
        exe: process.execPath,
        resource: { kind: "connect", target: "10.0.0.5:443", protocol: "tcp" },
      },
      { user: "nobody", resource: { kind: "capability", name: "CAP_SYS_ADMIN" } },
    ]) {
      const x = await sim(q);
      assert.ok(x.kind === "answered" && x.answer.ok, JSON.stringify(x));
    }
    await eventually(() => (followed.trim().split("\n").length >= 3 ? true : undefined));
    follower.kill();

    const events = h
      .cli(["events", "--json"])
      .stdout.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as NamedEvent);
    assert.deepEqual(
      events,
      followed
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as NamedEvent),
    );
    assert.deepEqual(
      events.map((e) => [e.hook, e.action, e.ruleId, e.user]),
      [
        ["file-open", "deny", "secret", "root"],
        ["connect", "deny", null, "root"],
        ["capability", "deny", "admin", "nobody"],
      ],
    );
    assert.equal(events[0]?.exe, realpathSync(process.execPath));
    assert.equal(events[0]?.resource, `${d}/secret`);
    assert.equal(events[1]?.resource, "10.0.0.5:443");
    assert.match(
      h.cli(["events"]).stdout,
      /deny {2}file-open rule=secret root\(0\) pid=\d+ node \S+ -> \S+\/secret\n/,
    );

    const status = JSON.parse(h.cli(["status", "--json"]).stdout) as {
      enforcer: { decisions: { hook: string; action: string; count: number }[] };
    };
    assert.equal(status.enforcer.decisions.length, 3);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^proofwall_decisions_total\{hook="file-open",action="deny"\} 1$/m);
    assert.match(metrics, /^proofwall_policy_generation 1$/m);
    assert.match(metrics, /^proofwall_apply_duration_seconds_count 1$/m);
  } finally {
    await h.stop();
  }
});
