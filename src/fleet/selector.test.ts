// Selectors, labels, fleet URLs and canary picking: the pure parts of the fleet.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAuthFile, readEtcdAccess } from "./etcd-access.js";
import { parseFleetUrl } from "./fleet-url.js";
import { bundleKey, versionOfKey } from "./layout.js";
import { pickCanaries } from "./rollout.js";
import { hostLabels, narrowToHosts, parseLabels, parseSelector, selects } from "./selector.js";

const labels = (text: string, host = "db-1") => {
  const l = parseLabels(text);
  assert.equal(l.kind, "ok");
  return hostLabels(host, l.kind === "ok" ? l.value : new Map());
};

test("selector terms: equal, any of, not equal; all must hold", () => {
  const db = labels("role=db,env=prod");
  assert.equal(selects("", db), true);
  assert.equal(selects("role=db", db), true);
  assert.equal(selects("role=db,env=staging", db), false);
  assert.equal(selects("env=staging|prod", db), true);
  assert.equal(selects("env!=prod", db), false);
  assert.equal(selects("zone!=eu|us", db), true, "a missing label is not equal");
  assert.equal(selects("host=db-2|db-1", db), true);
  assert.equal(selects(narrowToHosts("role=db", ["db-2"]), db), false);
  assert.equal(narrowToHosts("", ["a", "b"]), "host=a|b");
});

test("bad selectors and labels name the term", () => {
  const s = parseSelector("role=db,env,x=a b", "--selector");
  assert.deepEqual(s.kind === "error" && s.problems, [
    '--selector: term "env": expected key=value or key!=value',
    '--selector: term "x=a b": "a b" is not a label name or value',
  ]);
  const l = parseLabels("role=db,host=x,a=b=c", "--labels");
  assert.deepEqual(l.kind === "error" && l.problems, [
    '--labels: "host=x": "host" is set from the host name',
    '--labels: "a=b=c": expected key=value',
  ]);
  assert.equal(selects("role=", labels("role=db")), false, "unparsable selects nothing");
});

test("fleet URLs and bundle keys", () => {
  assert.deepEqual(parseFleetUrl("etcd://10.0.0.1:2379,etcd-2:2379/pw/prod"), {
    hosts: ["http://10.0.0.1:2379", "http://etcd-2:2379"],
    prefix: "/pw/prod",
    tls: false,
  });
  assert.deepEqual(parseFleetUrl("etcds://e-1:2379,[::1]:2379/pw/"), {
    hosts: ["https://e-1:2379", "https://[::1]:2379"],
    prefix: "/pw",
    tls: true,
  });
  assert.equal(parseFleetUrl("etcd://e:2379").prefix, "/proofwall");
  assert.throws(() => parseFleetUrl("http://e:2379/p"), /expected etcd:\/\/ or etcds:\/\//);
  assert.throws(() => parseFleetUrl("etcd://e/p"), /endpoint "e": expected host:port/);
  assert.equal(bundleKey("/p", 42), "/p/bundles/0000000000000042");
  assert.equal(versionOfKey("/p", bundleKey("/p", 42)), 42);
  assert.equal(versionOfKey("/p", "/p/bundles/x"), null);
  assert.equal(versionOfKey("/p", "/q/bundles/1"), null);
});

test("canaries: a rounded-up share, at least one, rotating with the version", () => {
  const hosts = Array.from({ length: 20 }, (_, i) => `h${i}`);
  assert.equal(pickCanaries(hosts, 10, 1).length, 2);
  assert.equal(pickCanaries(hosts, 1, 1).length, 1);
  assert.equal(pickCanaries(hosts.slice(0, 3), 30, 1).length, 1);
  assert.deepEqual(pickCanaries(hosts, 10, 7), pickCanaries([...hosts].reverse(), 10, 7));
  const picks = new Set([1, 2, 3, 4, 5, 6].map((v) => pickCanaries(hosts, 10, v).join()));
  assert.ok(picks.size > 1, "different versions pick different canaries");
});

test("etcd access options that cannot go together fail before any file is read", () => {
  const plain = parseFleetUrl("etcd://e:2379/p");
  const tls = parseFleetUrl("etcds://e:2379/p");
  assert.deepEqual(readEtcdAccess(plain, {}), { tls: null, auth: null });
  assert.throws(
    () => readEtcdAccess(plain, { ca: "ca.pem", authFile: "user" }),
    /^Error: --fleet-ca, --fleet-auth-file: the fleet url is plain etcd:\/\/; use etcds:\/\//,
  );
  assert.throws(() => readEtcdAccess(tls, { cert: "c.pem" }), /etcds:\/\/ needs --fleet-ca <pem>/);
  assert.throws(
    () => readEtcdAccess(tls, { ca: "ca.pem", key: "k.pem" }),
    /--fleet-cert and --fleet-key go together/,
  );
});

test("etcd auth file: one line user:password, split at the first colon", () => {
  assert.deepEqual(parseAuthFile("ops:pa:ss\n", "f"), { username: "ops", password: "pa:ss" });
  for (const bad of ["", "ops\n", ":pw\n", "ops:\n", "a:b\nc:d\n"])
    assert.throws(() => parseAuthFile(bad, "f"), /^Error: --fleet-auth-file f: expected one line/);
});
