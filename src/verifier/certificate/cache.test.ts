// The certificate cache: a proved certificate comes back only for the key it
// was proved under (object bytes, kernel BTF, frozen settings, version,
// verifier); an unproved one is never kept; a bad entry reads as none. The
// certificates are built by hand (no solver runs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ObligationReport, VerifyResult } from "../report/verify-result.js";
import { totals } from "../report/verify-result.js";
import {
  cacheCertificate,
  cachedCertificate,
  certificateCacheDir,
  makeCertificate,
  sha256,
  verifierSha256,
  type CertificateKey,
} from "./index.js";

const bytes = Buffer.from("\x7fELF pretend object bytes");
const KERNEL = "b".repeat(64);

function certificate(status: ObligationReport["status"], object = bytes, kernel = KERNEL) {
  const o: ObligationReport = {
    ...{ id: "mem-bounds@1", kind: "mem-bounds", pc: 1, message: "load", lint: false, status },
    ...{ source: undefined, reason: undefined, counterexample: undefined, ms: 1 },
  };
  const programs = [
    {
      ...{ name: "a", section: "lsm/a", progType: "lsm", context: "hook", ctxSize: 8 },
      ...{ insns: 10, paths: 1, truncated: false, error: undefined, obligations: [o] },
    },
  ];
  const ok = status === "proved";
  const result: VerifyResult = {
    ...{ file: "x.bpf.o", solver: "z3", programs, totals: totals(programs), ok, ms: 5 },
  };
  return makeCertificate({
    ...{ bytes: object, file: "x.bpf.o", result, solvers: [{ name: "z3", version: "4.8.12" }] },
    ...{ kernel: { source: "vmlinux", sha256: kernel }, version: "0.1.0" },
  });
}

const key: CertificateKey = {
  objectSha256: sha256(bytes),
  kernelBtfSha256: KERNEL,
  rodata: ["setattr_dentry_arg=0"],
  proofwallVersion: "0.1.0",
  verifierSha256: "c".repeat(64),
};

function inCacheDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "pw-cert-cache-"));
  try {
    run(join(dir, "certificates"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a proved certificate comes back for its key, and for no other", () => {
  inCacheDir((dir) => {
    assert.equal(cachedCertificate(dir, key), null, "empty cache");
    const cert = certificate("proved");
    cacheCertificate(dir, key, cert);
    assert.deepEqual(cachedCertificate(dir, key), cert);
    for (const other of [
      { ...key, objectSha256: "d".repeat(64) },
      { ...key, kernelBtfSha256: null },
      { ...key, rodata: ["setattr_dentry_arg=1"] },
      { ...key, proofwallVersion: "0.2.0" },
      { ...key, verifierSha256: "e".repeat(64) },
    ])
      assert.equal(cachedCertificate(dir, other), null, JSON.stringify(other));
  });
});

test("an unproved certificate is not kept", () => {
  inCacheDir((dir) => {
    cacheCertificate(dir, key, certificate("unknown"));
    assert.equal(cachedCertificate(dir, key), null);
  });
});

test("an entry that is not a certificate of the key's bytes and kernel reads as none", () => {
  inCacheDir((dir) => {
    cacheCertificate(dir, key, certificate("proved", Buffer.from("other bytes")));
    assert.equal(cachedCertificate(dir, key), null, "another object's certificate");
    cacheCertificate(dir, key, certificate("proved", bytes, "9".repeat(64)));
    assert.equal(cachedCertificate(dir, key), null, "another kernel's certificate");
  });
});

test("the cache directory follows PROOFWALL_CERT_CACHE, then XDG_CACHE_HOME", () => {
  assert.equal(certificateCacheDir({ PROOFWALL_CERT_CACHE: "/c" }), "/c");
  assert.equal(certificateCacheDir({ XDG_CACHE_HOME: "/x" }), "/x/proofwall/certificates");
});

test("the verifier's fingerprint changes with any of its modules, not with its tests", () => {
  const dir = mkdtempSync(join(tmpdir(), "pw-verifier-"));
  try {
    mkdirSync(join(dir, "vc"));
    writeFileSync(join(dir, "vc", "explore.js"), "export const a = 1;\n");
    const before = verifierSha256(dir);
    writeFileSync(join(dir, "vc", "explore.test.js"), "test();\n");
    assert.equal(verifierSha256(dir), before, "a test file is not the verifier");
    writeFileSync(join(dir, "vc", "explore.js"), "export const a = 2;\n");
    assert.notEqual(verifierSha256(dir), before);
    assert.match(verifierSha256(), /^[0-9a-f]{64}$/, "the real verifier's");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
