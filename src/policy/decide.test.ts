// One test per precedence case of docs/policy.md, in the document's order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decide } from "./decide.js";
import { LOGINUID_UNSET, MAX_FILE_ANCESTORS } from "./limits.js";
import * as F from "./decide-fixtures.js";
import {
  CG,
  FS,
  ID_RSA,
  files,
  key,
  network,
  policy,
  readFile,
  rule,
  subject,
  who,
} from "./decide-fixtures.js";
import type { Request, SubjectIdentity } from "./request.js";

const verdict = (p: ReturnType<typeof policy>, q: Request) => {
  const d = decide(p, q);
  return `${d.action} ${d.ruleId ?? "-"}`;
};

test("1. no matching rule: the class default decides, with no rule id", () => {
  const p = policy([rule("deny", network(["10.0.0.0/8"]), undefined, "a")], "enforce", {
    files: "deny",
  });
  assert.equal(verdict(p, readFile(ID_RSA)), "deny -");
  assert.equal(verdict(p, F.connect("192.168.1.1", 443)), "allow -");
  assert.deepEqual(decide(p, readFile(ID_RSA)).reason, {
    kind: "default",
    class: "files",
    auditMode: false,
  });
});

test("2. rules of other resource classes never apply", () => {
  const p = policy([rule("deny", { kind: "mount" }, undefined, "m")]);
  assert.equal(verdict(p, { kind: "module-load", subject: F.ALICE }), "allow -");
  assert.equal(verdict(p, { kind: "mount", subject: F.ALICE }), "deny m");
});

test("3. resource first: the nearer tree wins over a more specific subject", () => {
  const p = policy([
    rule(
      "allow",
      files([[FS.alice, true]]),
      [subject({ identity: { kind: "user", uid: 1000 } })],
      "home",
    ),
    rule("deny", files([[FS.ssh, true]]), undefined, "ssh"),
  ]);
  assert.equal(verdict(p, readFile(ID_RSA)), "deny ssh");
  assert.equal(verdict(p, readFile(F.fileAt([FS.alice, FS.home, FS.root]))), "allow home");
});

test("4. the file itself ranks above any tree; a tree includes its own root", () => {
  const p = policy([
    rule("deny", files([[FS.ssh, true]]), undefined, "tree"),
    rule("allow", files([[FS.idRsa, false]]), undefined, "file"),
  ]);
  assert.equal(verdict(p, readFile(ID_RSA)), "allow file");
  assert.equal(verdict(p, readFile(F.fileAt([FS.ssh, FS.alice, FS.home, FS.root]))), "deny tree");
  // An exact rule on a directory does not cover what is inside it.
  const exactDir = policy([rule("deny", files([[FS.ssh, false]]), undefined, "dir")]);
  assert.equal(verdict(exactDir, readFile(ID_RSA)), "allow -");
});

test("5. operations filter a file rule", () => {
  const p = policy([rule("deny", files([[FS.ssh, true]], ["write"]), undefined, "w")]);
  assert.equal(verdict(p, readFile(ID_RSA)), "allow -");
  assert.equal(
    verdict(p, { kind: "file-open", operation: "write", file: ID_RSA, subject: F.ALICE }),
    "deny w",
  );
});

test("6. create is decided on the parent directory: trees match, exact files cannot", () => {
  const p = policy([
    rule("deny", files([[FS.idRsa, false]]), undefined, "file"),
    rule("audit", files([[FS.ssh, true]], ["create"]), undefined, "tree"),
  ]);
  const create: Request = {
    kind: "file-op",
    operation: "create",
    file: F.fileAt([]),
    subject: F.ALICE,
  };
  const inSsh = { ...create, file: { self: null, ancestors: ID_RSA.ancestors } };
  assert.equal(verdict(p, inSsh), "audit tree");
  assert.equal(verdict(p, create), "allow -");
});

test("7. subject specificity at equal resource: executable > placement > identity > everyone", () => {
  const ssh = files([[FS.ssh, true]]);
  const inNginx = who({ cgroups: [CG.root, CG.system, CG.nginx], exe: key(900) });
  const place = { path: "/x", id: CG.nginx, level: 2 };
  const p = policy([
    rule("deny", ssh, undefined, "everyone"),
    rule("allow", ssh, [subject({ identity: { kind: "user", uid: 1000 } })], "user"),
    rule("deny", ssh, [subject({ placement: place })], "placement"),
    rule("allow", ssh, [subject({ exe: key(900) })], "exe"),
  ]);
  assert.equal(verdict(p, readFile(ID_RSA, inNginx)), "allow exe");
  assert.equal(verdict(policy(p.rules.slice(0, 3)), readFile(ID_RSA, inNginx)), "deny placement");
  assert.equal(verdict(policy(p.rules.slice(0, 2)), readFile(ID_RSA, inNginx)), "allow user");
  assert.equal(verdict(policy(p.rules.slice(0, 1)), readFile(ID_RSA, inNginx)), "deny everyone");
});

test("8. placements: a service covers its child cgroups, and the deeper placement wins", () => {
  const tmp = files([[FS.tmp, true]]);
  const p = policy([
    rule("deny", tmp, [subject({ placement: { path: "/s", id: CG.system, level: 1 } })], "slice"),
    rule("allow", tmp, [subject({ placement: { path: "/n", id: CG.nginx, level: 2 } })], "nginx"),
  ]);
  const file = F.fileAt([FS.x, FS.tmp, FS.root]);
  assert.equal(
    verdict(p, readFile(file, who({ cgroups: [CG.root, CG.system, CG.nginx, CG.worker] }))),
    "allow nginx",
  );
  assert.equal(verdict(p, readFile(file, who({ cgroups: [CG.root, CG.system] }))), "deny slice");
  assert.equal(verdict(p, readFile(file, who({ cgroups: [CG.root] }))), "allow -");
  // A service without a cgroup (not running) matches nothing.
  const stopped = policy([
    rule("deny", tmp, [subject({ placement: { path: "/n", id: null, level: 2 } })]),
  ]);
  assert.equal(
    verdict(stopped, readFile(file, who({ cgroups: [CG.root, CG.system, CG.nginx] }))),
    "allow -",
  );
});

test("9. identities: loginUser > user > group; sudo keeps the login uid", () => {
  const ssh = files([[FS.ssh, true]]);
  const p = policy([
    rule("allow", ssh, [subject({ identity: { kind: "group", gid: 2000 } })], "group"),
    rule("allow", ssh, [subject({ identity: { kind: "user", uid: 0 } })], "root"),
    rule("deny", ssh, [subject({ identity: { kind: "login-user", uid: 1000 } })], "alice"),
  ]);
  assert.equal(verdict(p, readFile(ID_RSA, F.ROOT_VIA_SUDO)), "deny alice");
  assert.equal(
    verdict(p, readFile(ID_RSA, who({ uid: 0, loginuid: LOGINUID_UNSET }))),
    "allow root",
  );
  assert.equal(
    verdict(p, readFile(ID_RSA, who({ loginuid: 7, groups: [3, 2000] }))),
    "allow group",
  );
  assert.equal(verdict(p, readFile(ID_RSA, F.DAEMON)), "allow -");
});

test("10. fields of a subject combine with AND, subjects of a rule with OR", () => {
  const both = subject({ identity: { kind: "user", uid: 1000 }, exe: key(901) });
  const p = policy([
    rule("deny", files([[FS.ssh, true]]), [both, subject({ exe: key(902) })], "r"),
  ]);
  assert.equal(verdict(p, readFile(ID_RSA, who({ exe: key(901) }))), "deny r");
  assert.equal(verdict(p, readFile(ID_RSA, who({ exe: key(900) }))), "allow -");
  assert.equal(verdict(p, readFile(ID_RSA, who({ uid: 5, exe: key(901) }))), "allow -");
  assert.equal(verdict(p, readFile(ID_RSA, who({ uid: 5, exe: key(902) }))), "deny r");
});

test("11. equal specificity: deny > audit > allow, then the earlier rule", () => {
  const ssh = files([[FS.ssh, true]]);
  const p = policy([
    rule("allow", ssh, undefined, "a"),
    rule("audit", ssh, undefined, "b"),
    rule("audit", ssh, undefined, "c"),
  ]);
  assert.equal(verdict(p, readFile(ID_RSA)), "audit b");
  assert.equal(
    verdict(policy([...p.rules, rule("deny", ssh, undefined, "d")]), readFile(ID_RSA)),
    "deny d",
  );
});

test("12. network: longest prefix, then ports given, then protocols given", () => {
  const p = policy([
    rule("deny", network(["10.0.0.0/8"]), undefined, "wide"),
    rule("allow", network(["10.0.0.0/8"], [[443, 443]]), undefined, "https"),
    rule("deny", network(["10.0.0.0/8"], [[443, 443]], ["tcp"]), undefined, "https-tcp"),
    rule("allow", network(["10.1.0.0/16"]), undefined, "narrow"),
  ]);
  assert.equal(verdict(p, F.connect("10.1.2.3", 443)), "allow narrow");
  assert.equal(verdict(p, F.connect("10.2.0.1", 443)), "deny https-tcp");
  assert.equal(verdict(p, F.connect("10.2.0.1", 443, "udp")), "allow https");
  assert.equal(verdict(p, F.connect("10.2.0.1", 80)), "deny wide");
  assert.equal(verdict(p, F.connect("11.0.0.1", 80)), "allow -");
});

test("19. network: ICMP has no port; rules without ports cover it, rules with ports never", () => {
  const p = policy(
    [
      rule("deny", network(["0.0.0.0/0", "::/0"]), undefined, "egress"),
      rule("deny", network(["0.0.0.0/0"], [[1, 65535]]), undefined, "every-port"),
      rule("allow", network(["192.0.2.10/32"]), undefined, "proxy"),
      rule("allow", network(["10.0.0.0/8"], null, ["icmp"]), undefined, "ping-lan"),
      rule("deny", network(["10.1.0.0/16"], [[7, 7]], ["udp"]), undefined, "echo-udp"),
    ],
    "enforce",
    { network: "deny" },
  );
  assert.equal(verdict(p, F.connect("198.51.100.7", 0, "icmp")), "deny egress");
  assert.equal(verdict(p, F.connect("198.51.100.7", 80, "icmp")), "deny egress", "port ignored");
  assert.equal(verdict(p, F.connect("2001:db8::1", 0, "icmp")), "deny egress", "ICMPv6");
  assert.equal(verdict(p, F.connect("198.51.100.7", 80)), "deny every-port");
  assert.equal(verdict(p, F.connect("192.0.2.10", 0, "icmp")), "allow proxy");
  assert.equal(verdict(p, F.connect("10.1.2.3", 7, "icmp")), "allow ping-lan");
  assert.equal(verdict(p, F.connect("10.1.2.3", 7, "udp")), "deny echo-udp");
  assert.equal(verdict(p, F.connect("10.1.2.3", 7, "tcp")), "deny every-port", "icmp rule only");
  const portsOnly = policy([rule("deny", network(["0.0.0.0/0"], [[1, 65535]]), undefined, "all")]);
  assert.equal(verdict(portsOnly, F.connect("10.1.2.3", 7, "icmp")), "allow -");
  const icmpWithPorts = policy([rule("deny", network(["0.0.0.0/0"], [[7, 7]], ["icmp"]))]);
  assert.equal(verdict(icmpWithPorts, F.connect("10.1.2.3", 7, "icmp")), "allow -");
});

test("13. IPv4-mapped IPv6 destinations match IPv4 blocks; families never mix", () => {
  const p = policy([
    rule("deny", network(["169.254.169.254/32"]), undefined, "meta"),
    rule("deny", network(["::/0"]), undefined, "v6"),
  ]);
  assert.equal(verdict(p, F.connect("::ffff:169.254.169.254", 80)), "deny meta");
  assert.equal(verdict(p, F.connect("169.254.169.253", 80)), "allow -");
  assert.equal(verdict(p, F.connect("2001:db8::1", 80)), "deny v6");
});

test("14. sockets: a rule naming the type beats one naming only the family", () => {
  const p = policy([
    rule("deny", { kind: "sockets", families: [2], types: null }, undefined, "inet"),
    rule("allow", { kind: "sockets", families: [2], types: [1] }, undefined, "tcp"),
  ]);
  assert.equal(
    verdict(p, { kind: "socket-create", family: 2, type: 1, subject: F.ALICE }),
    "allow tcp",
  );
  assert.equal(
    verdict(p, { kind: "socket-create", family: 2, type: 3, subject: F.ALICE }),
    "deny inet",
  );
  assert.equal(
    verdict(p, { kind: "socket-create", family: 10, type: 3, subject: F.ALICE }),
    "allow -",
  );
});

test("15. exec: trees of programs and memfd are separate keys", () => {
  const p = policy([
    rule(
      "deny",
      {
        kind: "exec",
        targets: [{ path: "/tmp", key: key(FS.tmp), tree: true }],
        memfd: true,
        anonymousMemory: false,
      },
      undefined,
      "x",
    ),
  ]);
  const run = (target: Extract<Request, { kind: "exec" }>["target"]): Request => ({
    kind: "exec",
    target,
    subject: F.ALICE,
  });
  assert.equal(verdict(p, run({ kind: "memfd" })), "deny x");
  assert.equal(
    verdict(p, run({ kind: "file", file: F.fileAt([FS.x, FS.tmp, FS.root]) })),
    "deny x",
  );
  assert.equal(verdict(p, run({ kind: "file", file: ID_RSA })), "allow -");
  assert.equal(verdict(p, run({ kind: "anonymous-memory" })), "allow -");
});

test("15. exec: anonymous memory is its own item, and the exec default does not decide it", () => {
  const anon = (s: SubjectIdentity): Request => ({
    kind: "exec",
    target: { kind: "anonymous-memory" },
    subject: s,
  });
  const resource = { kind: "exec", targets: [], memfd: false, anonymousMemory: true } as const;
  const alice = subject({ identity: { kind: "user", uid: 1000 } });
  const p = policy([rule("deny", resource, [alice], "no-jit")], "enforce", { exec: "deny" });
  assert.equal(verdict(p, anon(F.ALICE)), "deny no-jit");
  // Another subject (a JIT runtime) is allowed, though the exec default is deny.
  assert.equal(verdict(p, anon(who({ uid: 0 }))), "allow -");
  assert.equal(verdict(p, { kind: "exec", target: { kind: "memfd" }, subject: F.ALICE }), "deny -");
  assert.equal(verdict({ ...p, mode: "audit" }, anon(F.ALICE)), "audit no-jit");
});

test("16. unix sockets, capabilities and ptrace modes match exactly", () => {
  const p = policy([
    rule("deny", { kind: "unix", sockets: [key(50)] }, undefined, "docker"),
    rule("audit", { kind: "capabilities", caps: [13] }, undefined, "raw"),
    rule("deny", { kind: "ptrace", modes: ["attach"] }, undefined, "pt"),
  ]);
  assert.equal(
    verdict(p, { kind: "unix-connect", socket: key(50), subject: F.ALICE }),
    "deny docker",
  );
  assert.equal(verdict(p, { kind: "unix-connect", socket: key(51), subject: F.ALICE }), "allow -");
  assert.equal(verdict(p, { kind: "capability", cap: 13, subject: F.ALICE }), "audit raw");
  assert.equal(verdict(p, { kind: "capability", cap: 21, subject: F.ALICE }), "allow -");
  assert.equal(verdict(p, { kind: "ptrace", mode: "attach", subject: F.ALICE }), "deny pt");
  assert.equal(verdict(p, { kind: "ptrace", mode: "read", subject: F.ALICE }), "allow -");
});

test("17. audit mode reports a deny (rule or default) as audit", () => {
  const p = policy([rule("deny", files([[FS.ssh, true]]), undefined, "ssh")], "audit", {
    network: "deny",
  });
  const d = decide(p, readFile(ID_RSA));
  assert.deepEqual([d.action, d.ruleId, d.reason.auditMode], ["audit", "ssh", true]);
  assert.equal(verdict(p, F.connect("1.1.1.1", 53)), "audit -");
  assert.equal(verdict(p, readFile(F.fileAt([FS.x, FS.tmp]))), "allow -");
});

test("18. kernel bounds: trees match within 32 ancestors, groups within 32 entries", () => {
  const deep = F.fileAt([
    5000,
    ...Array.from({ length: MAX_FILE_ANCESTORS + 5 }, (_, i) => 4000 + i),
  ]);
  const near = policy([
    rule("deny", files([[4000 + MAX_FILE_ANCESTORS - 1, true]]), undefined, "r"),
  ]);
  const far = policy([rule("deny", files([[4000 + MAX_FILE_ANCESTORS, true]]), undefined, "r")]);
  assert.equal(verdict(near, readFile(deep)), "deny r");
  assert.equal(verdict(far, readFile(deep)), "allow -");
  const g = policy([
    rule("deny", { kind: "mount" }, [subject({ identity: { kind: "group", gid: 77 } })], "g"),
  ]);
  const groups = [...Array.from({ length: 32 }, (_, i) => 5000 + i), 77];
  assert.equal(verdict(g, { kind: "mount", subject: who({ groups }) }), "allow -");
  assert.equal(verdict(g, { kind: "mount", subject: who({ groups: groups.slice(1) }) }), "deny g");
});
