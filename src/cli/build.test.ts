// `proofwall build`: which objects it certifies by default, and its usage
// errors, and --reuse (one small object proved with z3; the certificates
// themselves are tested in src/verifier/certificate/).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../paths.js";
import {
  certificatePath,
  checkCertificate,
  type Certificate,
} from "../verifier/certificate/index.js";
import { PRODUCT_OBJECT, runBuild } from "./build.js";

const OLD = "2000-01-01T00:00:00.000Z";

test("the product's objects are certified, test fixtures are not", () => {
  for (const f of [
    "enforce_file.bpf.o",
    "enforce_net.bpf.o",
    "self_protect.bpf.o",
    "file_guard.bpf.o",
  ])
    assert.ok(PRODUCT_OBJECT.test(f), f);
  for (const f of ["branches.bpf.o", "file_guard.bpf.o.cert.json", "xenforce_file.bpf.o"])
    assert.ok(!PRODUCT_OBJECT.test(f), f);
});

test("usage errors exit 2", async () => {
  const flags = { solver: "z3-embedded", timeout: "10", maxPaths: "1100" };
  assert.equal(await runBuild([], { ...flags, solver: "yices" }), 2);
  assert.equal(await runBuild([], { ...flags, timeout: "soon" }), 2);
  assert.equal(await runBuild(["no/such/object.bpf.o"], { ...flags, solver: "z3" }), 2);
});

test("--reuse takes a proved certificate from the cache; without it the object is proved again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pw-build-"));
  const saved = process.env["PROOFWALL_CERT_CACHE"];
  const cache = join(dir, "cache");
  process.env["PROOFWALL_CERT_CACHE"] = cache;
  try {
    const object = join(dir, "file_guard.bpf.o");
    copyFileSync(join(repoRoot, "build", "bpf", "file_guard.bpf.o"), object);
    const createdAt = () =>
      (JSON.parse(readFileSync(certificatePath(object), "utf8")) as Certificate).createdAt;
    const flags = { solver: "z3", timeout: "60", maxPaths: "1100" };
    assert.equal(await runBuild([object], { ...flags, reuse: true }), 0, "proved: nothing cached");
    const entries = readdirSync(cache);
    assert.equal(entries.length, 1, "the proved certificate is cached");
    // Marks the entry, to tell a certificate taken from the cache from a new proof.
    const entry = join(cache, entries[0] ?? "");
    const marked = { ...(JSON.parse(readFileSync(entry, "utf8")) as Certificate), createdAt: OLD };
    writeFileSync(entry, JSON.stringify(marked));
    assert.equal(await runBuild([object], { ...flags, reuse: true }), 0);
    assert.equal(createdAt(), OLD, "reused");
    assert.equal(checkCertificate(object).kind, "valid");
    assert.equal(await runBuild([object], flags), 0);
    assert.notEqual(createdAt(), OLD, "proved again without --reuse");
  } finally {
    if (saved === undefined) delete process.env["PROOFWALL_CERT_CACHE"];
    else process.env["PROOFWALL_CERT_CACHE"] = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
