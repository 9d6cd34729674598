// Every Proofwall program proves, and the agent's certificates say so: each
// object the agent loads is certified through the CLI, as a user would
// (`proofwall build`), against the BTF of the kernel it is deployed on in the
// test VM (Debian's 6.1, --kernel-btf vm), with the read-only settings its
// loader freezes for that kernel, and every obligation of every program must
// be proved. The kernel suites then load these very certificates. A proved
// certificate is taken from the cache when the object, the kernel BTF, the
// settings and the compiled verifier are the ones it was proved for (the test
// runner certifies the same way before the kernel suites, so CI proves each
// object once); otherwise the object is proved here. The per-obligation limit
// is generous because CI runs this beside test VMs on two cores: a starved
// solver must not read as a finding, while a real one still fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { kernelBtfBytes } from "../verifier/btf/index.js";
import {
  certificatePath,
  checkCertificate,
  sha256,
  type Certificate,
} from "../verifier/certificate/index.js";
import { repoRoot } from "../verifier/corpus/build-corpus.js";
import { prepareVmImage } from "../vm/image.js";
import { productObjects } from "./build.js";

const certificate = (object: string) =>
  JSON.parse(readFileSync(certificatePath(object), "utf8")) as Certificate;

test("every Proofwall object: proofwall build --kernel-btf vm certifies every obligation proved", async () => {
  const vmKernel = sha256(kernelBtfBytes((await prepareVmImage()).kernel));
  const objects = productObjects();
  for (const name of ["enforce_file", "enforce_net", "enforce_proc", "enforce_sock"])
    assert.ok(
      objects.some((o) => basename(o) === `${name}.bpf.o`),
      objects.join(),
    );
  const started = Date.now();
  const cli = spawnSync(
    process.execPath,
    [
      join(repoRoot, "dist", "cli", "main.js"),
      ...["build", "--kernel-btf", "vm", "--solver", "z3", "--timeout", "120", "--reuse"],
    ],
    { encoding: "utf8", maxBuffer: 256 << 20 },
  );
  console.log(`${cli.stdout}(${((Date.now() - started) / 1000).toFixed(0)} s)`);
  // 1 is a certificate that says "unproved": its open obligations are named below.
  assert.ok(cli.status === 0 || cli.status === 1, `exit ${cli.status}\n${cli.stderr}`);
  for (const object of objects) {
    const file = basename(object);
    const cert = certificate(object);
    for (const p of cert.programs) {
      assert.equal(p.truncated, false, `${file} ${p.name}`);
      assert.equal(p.error, null, `${file} ${p.name}`);
      assert.deepEqual(
        p.notProved.map((o) => `${o.id} ${o.status}: ${o.message}`),
        [],
        `${file} ${p.name}`,
      );
    }
    assert.ok(
      cert.programs.some((p) => p.obligations.proved > 0),
      `${file} has obligations`,
    );
    const check = checkCertificate(object, vmKernel);
    assert.equal(check.kind, "valid", `${file}: ${check.kind === "valid" ? "" : check.reason}`);
  }
  assert.equal(cli.status, 0, `exit ${cli.status}\n${cli.stderr}`);
});
