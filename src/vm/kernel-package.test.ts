import assert from "node:assert/strict";
import { test } from "node:test";
import { isVmError } from "./errors.js";
import {
  parseAptPolicy,
  pickNewestKernel,
  resolveKernelPackage,
  type KernelPackage,
} from "./kernel-package.js";

const POLICY = `linux-image-6.1.0-9-amd64:
  Installed: (none)
  Candidate: 6.1.27-1
  Version table:
     6.1.27-1 500
linux-image-6.1.0-10-amd64:
  Installed: (none)
  Candidate: 6.1.38-1
linux-image-6.1.0-11-amd64:
  Installed: (none)
  Candidate: (none)
linux-image-6.1.0-12-rt-amd64:
  Candidate: 6.1.52-1
linux-image-6.1.0-12-cloud-amd64:
  Candidate: 6.1.52-1
linux-image-6.1.0-12-amd64-unsigned:
  Candidate: 6.1.52-1
linux-image-6.1.0-12-amd64-dbg:
  Candidate: 6.1.52-1
`;

test("parseAptPolicy keeps candidates and drops (none)", () => {
  const m = parseAptPolicy(POLICY);
  assert.equal(m.get("linux-image-6.1.0-9-amd64"), "6.1.27-1");
  assert.equal(m.has("linux-image-6.1.0-11-amd64"), false);
});

test("pickNewestKernel compares ABI numbers numerically and ignores other flavours", () => {
  const k = pickNewestKernel(parseAptPolicy(POLICY));
  assert.deepEqual(k, {
    name: "linux-image-6.1.0-10-amd64",
    version: "6.1.38-1",
    release: "6.1.0-10-amd64",
    abi: 10,
  });
});

test("pickNewestKernel finds nothing in an empty list", () => {
  assert.equal(pickNewestKernel(new Map()), undefined);
});

const PKG: KernelPackage = {
  name: "linux-image-6.1.0-10-amd64",
  version: "6.1.38-1",
  release: "6.1.0-10-amd64",
  abi: 10,
};

test("resolveKernelPackage runs apt-get update once, then retries", async () => {
  let updates = 0;
  let queries = 0;
  const pkg = await resolveKernelPackage(undefined, {
    query: () => Promise.resolve(++queries === 1 ? undefined : PKG),
    update: () => Promise.resolve(++updates),
  });
  assert.deepEqual(pkg, PKG);
  assert.equal(updates, 1);
});

test("resolveKernelPackage says the package is missing and how to fix it", async () => {
  let updates = 0;
  await assert.rejects(
    resolveKernelPackage(undefined, {
      query: () => Promise.resolve(undefined),
      update: () => Promise.resolve(++updates),
    }),
    (e: unknown) =>
      isVmError(e) && e.kind === "kernel-package-missing" && /apt-get update/.test(e.message),
  );
  assert.equal(updates, 1);
});
