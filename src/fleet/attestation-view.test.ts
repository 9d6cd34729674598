import { test } from "node:test";
import assert from "node:assert/strict";
import { attestationText, attestHosts } from "./attestation-view.js";
import type { ProgramHash } from "./model.js";

const program = (name: string, tag: string, attested = true): ProgramHash => ({
  name,
  tag,
  object: "enforce_file",
  objectSha256: "a".repeat(64),
  attested,
});
const good = [program("pw_file_open", "00"), program("pw_inode_unlink", "11")];

test("hosts that loaded the same objects and run the same tags are ok", () => {
  const v = attestHosts(
    new Map([
      ["h1", good],
      ["h2", good],
      ["h3", null],
    ]),
  );
  assert.deepEqual(v.get("h1"), { kind: "ok", programs: 2 });
  assert.deepEqual(v.get("h3"), { kind: "unreported" });
  assert.equal(attestationText(v.get("h2") ?? { kind: "unreported" }), "2 ok");
});

test("a host whose own record disagrees with the kernel is unattested", () => {
  const v = attestHosts(
    new Map([["h1", [program("pw_file_open", "00", false), program("pw_inode_unlink", "11")]]]),
  );
  assert.deepEqual(v.get("h1"), { kind: "unattested", names: ["pw_file_open"] });
});

test("a host running other tags than its peers with the same objects differs", () => {
  const odd = [program("pw_file_open", "99"), program("pw_inode_unlink", "11")];
  const v = attestHosts(
    new Map([
      ["h1", good],
      ["h2", good],
      ["h3", odd],
    ]),
  );
  assert.deepEqual(v.get("h3"), { kind: "differs", from: 2 });
  assert.deepEqual(v.get("h1"), { kind: "ok", programs: 2 });
  assert.match(attestationText(v.get("h3") ?? { kind: "unreported" }), /^DIFFERS from 2 hosts$/);
});

test("a tie between two tag sets flags both hosts", () => {
  const odd = [program("pw_file_open", "99"), program("pw_inode_unlink", "11")];
  const v = attestHosts(
    new Map([
      ["h1", good],
      ["h2", odd],
    ]),
  );
  assert.deepEqual([v.get("h1")?.kind, v.get("h2")?.kind], ["differs", "differs"]);
});

test("hosts with other object hashes are not compared with each other", () => {
  const other = good.map((p) => ({ ...p, tag: "77", objectSha256: "b".repeat(64) }));
  const v = attestHosts(
    new Map([
      ["h1", good],
      ["h2", other],
    ]),
  );
  assert.equal(v.get("h2")?.kind, "ok");
  assert.equal(v.get("h1")?.kind, "ok");
});
