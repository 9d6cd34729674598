// Every Proofwall program passes `proofwall verify`: each object the agent
// loads is verified through the CLI, as a user would, against the BTF of the
// kernel it is deployed on in the test VM (Debian's 6.1, --kernel-btf vm), and
// every obligation of every program must be proved. Objects whose read-only
// settings the loader sets (the enforce objects, self_protect) get them
// frozen as the loader sets them for that kernel (--rodata, from the same
// loaderRodata that build uses), so what is verified is the program the
// kernel sees. The per-obligation limit is generous because CI runs this
// beside test VMs on two cores: a starved solver must not read as a finding,
// while a real one still fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { kernelShape, loaderRodata, type KernelShape } from "../enforce/kernel-shape.js";
import { repoRoot } from "../verifier/corpus/build-corpus.js";
import { prepareVmImage } from "../vm/image.js";

interface Report {
  readonly totals: Record<string, number>;
  readonly programs: readonly {
    readonly name: string;
    readonly truncated: boolean;
    readonly obligations: readonly {
      id: string;
      status: string;
      reason?: string;
      source?: { line?: number };
    }[];
  }[];
}

const objects = readdirSync(join(repoRoot, "build", "bpf"))
  .filter((f) => f.endsWith(".bpf.o"))
  .sort();

/** --rodata with the loader's settings, for objects a loader sets any in. */
function rodataArgs(file: string, shape: KernelShape): string[] {
  const settings = loaderRodata(file.replace(/\.bpf\.o$/, ""), shape);
  return settings ? ["--rodata", ...[...settings].map(([k, v]) => `${k}=${v}`)] : [];
}

test("every Proofwall object: proofwall verify --kernel-btf vm proves every obligation", async () => {
  const shape = kernelShape((await prepareVmImage()).kernel);
  for (const name of ["enforce_file", "enforce_net", "enforce_proc", "enforce_sock"])
    assert.ok(objects.includes(`${name}.bpf.o`), objects.join());
  for (const file of objects) {
    const started = Date.now();
    const cli = spawnSync(
      process.execPath,
      [
        join(repoRoot, "dist", "cli", "main.js"),
        "verify",
        join(repoRoot, "build", "bpf", file),
        "--kernel-btf",
        "vm",
        "--solver",
        "z3",
        "--timeout",
        "120",
        "--format",
        "json",
        ...rodataArgs(file, shape),
      ],
      { encoding: "utf8", maxBuffer: 256 << 20 },
    );
    assert.equal(cli.status, 0, `${file}: exit ${cli.status}\n${cli.stderr}`);
    const report = JSON.parse(cli.stdout) as Report;
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`${file}: ${JSON.stringify(report.totals)} in ${seconds} s`);
    for (const p of report.programs) {
      assert.equal(p.truncated, false, `${file} ${p.name}`);
      const open = p.obligations.filter((o) => o.status !== "proved");
      assert.deepEqual(
        open.map((o) => `${o.id} ${o.status} line ${o.source?.line}: ${o.reason ?? ""}`),
        [],
        `${file} ${p.name}`,
      );
    }
    assert.ok((report.totals.proved ?? 0) > 0, `${file} has obligations`);
  }
});
