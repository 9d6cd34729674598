// Certificates: made from a verification result, bound to the object's
// bytes, and checked the way the loader checks them. The results are built
// by hand (no solver runs), so the suite takes milliseconds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ObligationReport, ProgramReport, VerifyResult } from "../report/verify-result.js";
import { totals } from "../report/verify-result.js";
import { certificatePath, checkCertificate, makeCertificate } from "./index.js";

function obligation(id: string, status: ObligationReport["status"]): ObligationReport {
  return {
    id,
    kind: "mem-bounds",
    pc: 1,
    message: "load within the map value",
    lint: false,
    status,
    source: undefined,
    reason: status === "unknown" ? "timeout" : undefined,
    counterexample: undefined,
    ms: 1,
  };
}

function program(name: string, obligations: ObligationReport[], truncated = false): ProgramReport {
  return {
    name,
    section: `lsm/${name}`,
    progType: "lsm",
    context: "hook",
    ctxSize: 8,
    insns: 10,
    paths: truncated ? 1100 : 3,
    truncated,
    error: undefined,
    obligations,
  };
}

function result(programs: ProgramReport[]): VerifyResult {
  const ok = programs.every(
    (p) => !p.truncated && p.obligations.every((o) => o.status === "proved"),
  );
  return { file: "x.bpf.o", solver: "z3-embedded", programs, totals: totals(programs), ok, ms: 5 };
}

function withObject(run: (objectPath: string, dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "pw-cert-"));
  try {
    const objectPath = join(dir, "x.bpf.o");
    writeFileSync(objectPath, Buffer.from("\x7fELF pretend object bytes"));
    run(objectPath, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const solvers = [{ name: "z3-embedded", version: "z3 4.15.4" }];
const KERNEL_A = "a".repeat(64);
const kernel = { source: "vmlinux-6.1", sha256: KERNEL_A };

function certify(objectPath: string, r: VerifyResult): void {
  const bytes = Buffer.from("\x7fELF pretend object bytes");
  const cert = makeCertificate({
    bytes,
    file: "x.bpf.o",
    result: r,
    solvers,
    kernel,
    version: "0.1.0",
  });
  writeFileSync(certificatePath(objectPath), JSON.stringify(cert));
}

test("a certificate round-trips and is valid for its object", () => {
  withObject((objectPath) => {
    const r = result([program("a", [obligation("mem-bounds@1", "proved")])]);
    certify(objectPath, r);
    const c = checkCertificate(objectPath);
    assert.equal(c.kind, "valid", JSON.stringify(c));
    if (c.kind !== "valid") return;
    assert.equal(c.cert.status, "proved");
    assert.deepEqual(c.cert.programs[0]?.provedIds, ["mem-bounds@1"]);
    assert.deepEqual(c.cert.solvers, solvers);
    assert.equal(c.cert.proofwall.version, "0.1.0");
  });
});

test("a changed object no longer matches its certificate", () => {
  withObject((objectPath) => {
    certify(objectPath, result([program("a", [obligation("mem-bounds@1", "proved")])]));
    writeFileSync(objectPath, Buffer.from("\x7fELF pretend object byteZ"));
    const c = checkCertificate(objectPath);
    assert.equal(c.kind, "mismatch");
    assert.match(c.kind === "mismatch" ? c.reason : "", /sha256/);
  });
});

test("a tampered certificate is a mismatch, not valid", () => {
  withObject((objectPath) => {
    certify(objectPath, result([program("a", [obligation("mem-bounds@1", "unknown")])]));
    writeFileSync(
      certificatePath(objectPath),
      '{"format":"proofwall-certificate/1","status":"proved"}',
    );
    assert.equal(checkCertificate(objectPath).kind, "mismatch");
    writeFileSync(certificatePath(objectPath), "not json");
    assert.equal(checkCertificate(objectPath).kind, "mismatch");
  });
});

test("no certificate next to the object is missing", () => {
  withObject((objectPath) => {
    const c = checkCertificate(objectPath);
    assert.equal(c.kind, "missing");
    assert.match(c.kind === "missing" ? c.reason : "", /cert\.json/);
  });
});

test("an object that did not fully prove is unproved, with the programs and why", () => {
  withObject((objectPath) => {
    const r = result([
      program("ok", [obligation("mem-bounds@1", "proved")]),
      program("walk", [], true),
      program("open", [
        obligation("mem-bounds@1", "proved"),
        obligation("null-check@9", "unknown"),
      ]),
    ]);
    certify(objectPath, r);
    const c = checkCertificate(objectPath);
    assert.equal(c.kind, "unproved", JSON.stringify(c));
    if (c.kind !== "unproved") return;
    assert.equal(c.unproved.length, 2);
    assert.match(c.unproved[0] ?? "", /^walk: exploration truncated after 1100 paths/);
    assert.match(
      c.unproved[1] ?? "",
      /^open: 1 of 2 obligations not proved \(mem-bounds unknown\)/,
    );
    assert.equal(c.cert.programs[2]?.notProved[0]?.id, "null-check@9");
  });
});

test("editing the status of an unproved certificate to proved does not make it valid", () => {
  withObject((objectPath) => {
    const r = result([program("walk", [], true)]);
    certify(objectPath, r);
    const path = certificatePath(objectPath);
    const forged = JSON.parse(
      JSON.stringify(
        makeCertificate({
          bytes: Buffer.from("\x7fELF pretend object bytes"),
          file: "x.bpf.o",
          result: r,
          solvers,
          kernel,
          version: "0.1.0",
        }),
      ),
    ) as { status: string };
    forged.status = "proved";
    writeFileSync(path, JSON.stringify(forged));
    assert.equal(checkCertificate(objectPath).kind, "unproved");
  });
});

test("a proof holds for the kernel whose hook signatures it used, not for another", () => {
  withObject((objectPath) => {
    certify(objectPath, result([program("a", [obligation("mem-bounds@1", "proved")])]));
    assert.equal(checkCertificate(objectPath, KERNEL_A).kind, "valid");
    const other = checkCertificate(objectPath, "b".repeat(64));
    assert.equal(other.kind, "mismatch");
    assert.match(other.kind === "mismatch" ? other.reason : "", /vmlinux-6\.1 .*--kernel-btf/);
  });
});
