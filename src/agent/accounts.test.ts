import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAccounts, refreshingAccounts } from "./accounts.js";
import { judgePeer } from "./control-server.js";
import { parseHostPort } from "./metrics-server.js";

const passwd = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n";
const group = "root:x:0:\nalice:x:1000:\nwheel:x:10:alice,bob\ndocker:x:999:bob\n";

test("accounts: primary gid, supplementary groups from membership, numeric uids", () => {
  const a = parseAccounts(passwd, group);
  assert.deepEqual(a.find("alice"), { name: "alice", uid: 1000, gid: 1000, groups: [10] });
  assert.deepEqual(a.find("1000")?.name, "alice");
  assert.deepEqual(a.find("4242"), { name: "4242", uid: 4242, gid: 4242, groups: [] });
  assert.equal(a.find("mallory"), null);
  assert.equal(a.nameOf(0), "root");
  assert.equal(a.nameOf(7), null);
});

test("refreshing accounts read the databases again on a miss, at most once a second", () => {
  let text = passwd;
  let loads = 0;
  let clock = 0;
  const load = () => (loads++, parseAccounts(text, group));
  const a = refreshingAccounts(load, 1000, () => clock);
  assert.equal(a.nameOf(0), "root");
  text += "late:x:1001:1001::/:/bin/sh\n"; // useradd
  assert.equal(a.nameOf(1001), null, "inside the interval: no second read");
  clock = 1000;
  assert.equal(a.nameOf(1001), "late");
  assert.equal(a.find("late")?.uid, 1001);
  assert.equal(loads, 2);
});

test("judgePeer: root and the agent's own uid are allowed, anyone else refused", () => {
  assert.equal(judgePeer({ pid: 1, uid: 0, gid: 0 }, 0).kind, "allowed");
  assert.equal(judgePeer({ pid: 1, uid: 1000, gid: 1000 }, 1000).kind, "allowed");
  const r = judgePeer({ pid: 1, uid: 65534, gid: 65534 }, 0);
  assert.deepEqual(r, {
    kind: "refused",
    reason: "control: permission denied: uid 65534 is not root",
  });
});

test("parseHostPort", () => {
  assert.deepEqual(parseHostPort("127.0.0.1:9464"), { host: "127.0.0.1", port: 9464 });
  assert.deepEqual(parseHostPort("[::1]:9464"), { host: "::1", port: 9464 });
  assert.equal(parseHostPort("9464"), null);
  assert.equal(parseHostPort("host:0"), null);
  assert.equal(parseHostPort("host:70000"), null);
});
