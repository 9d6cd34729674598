import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { attest, readBuildRecord, writeBuildRecord, type BuildRecord } from "./attestation.js";

const build: BuildRecord = {
  objects: [{ name: "enforce_file", sha256: "f".repeat(64) }],
  programs: [
    { name: "pw_file_open", object: "enforce_file", tag: "0123456789abcdef" },
    { name: "pw_inode_unlink", object: "enforce_file", tag: "1111111111111111" },
  ],
};

test("programs running with the tags they were loaded with are attested", () => {
  const r = attest(
    [
      { name: "pw_file_open", tag: "0123456789abcdef" },
      { name: "pw_inode_unlink", tag: "1111111111111111" },
    ],
    build,
  );
  assert.deepEqual(
    r.map((p) => [p.name, p.attested, p.object, p.objectSha256]),
    [
      ["pw_file_open", true, "enforce_file", "f".repeat(64)],
      ["pw_inode_unlink", true, "enforce_file", "f".repeat(64)],
    ],
  );
});

test("a changed tag, an unknown program or a missing record is not attested", () => {
  const live = [
    { name: "pw_file_open", tag: "ffffffffffffffff" },
    { name: "pw_extra", tag: "0123456789abcdef" },
  ];
  const r = attest(live, build);
  assert.deepEqual(
    r.map((p) => [p.name, p.attested]),
    [
      ["pw_file_open", false],
      ["pw_extra", false],
    ],
  );
  assert.equal(r[1]?.object, null);
  assert.ok(attest(live, null).every((p) => !p.attested && p.objectSha256 === null));
});

test("the build record survives a round trip and a damaged one reads as none", () => {
  const dir = mkdtempSync(join(tmpdir(), "pw-attest-"));
  try {
    assert.equal(readBuildRecord(dir), null);
    writeBuildRecord(dir, build);
    assert.deepEqual(readBuildRecord(dir), build);
    writeFileSync(join(dir, "enforce-build.json"), '{"objects": 1}');
    assert.equal(readBuildRecord(dir), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
