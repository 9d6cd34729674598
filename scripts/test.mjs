#!/usr/bin/env node
// Runs the test suites. Unit tests (`*.test.js` in dist/) run on this host with
// node's test runner. Kernel suites (`*.kernel.test.js`) need BPF LSM, so each one
// runs inside its own boot of the test VM; a suite with a host half beside it
// (`x.kernel.host.js` for `x.kernel.test.js`) has that run here first, for work
// too slow under the VM's emulation. Before the kernel suites, the objects are
// certified against the test VM kernel's BTF (scripts/certify.mjs; cached, and
// the unit run's proof of every object fills the same cache), since the agent
// loads only certified objects. The last line totals every suite in the plain
// "N passed, N failed" form.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { certifyForTestVm } from "./certify.mjs";

const root = new URL("..", import.meta.url).pathname;
const dist = join(root, "dist");
const wantUnit = !process.argv.includes("--kernel");
const wantKernel = !process.argv.includes("--unit");
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));

function testFiles(suffixTest) {
  return readdirSync(dist, { recursive: true })
    .map(String)
    .filter(suffixTest)
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort()
    .map((f) => join(dist, f));
}

const isKernel = (f) => f.endsWith(".kernel.test.js");
const isUnit = (f) => f.endsWith(".test.js") && !isKernel(f);

/** Runs a command, echoes its output, and counts TAP "# pass"/"# fail" lines. */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      text += chunk.toString();
    });
    child.on("close", (code) => {
      const count = (label) =>
        [...text.matchAll(new RegExp(`^# ${label} (\\d+)$`, "gm"))].reduce(
          (n, m) => n + Number(m[1]),
          0,
        );
      resolve({ code: code ?? 1, passed: count("pass"), failed: count("fail") });
    });
  });
}

const totals = { passed: 0, failed: 0, broken: [] };
function add(name, r) {
  totals.passed += r.passed;
  totals.failed += r.failed;
  if (r.code !== 0 || (r.passed === 0 && r.failed === 0)) totals.broken.push(name);
}

if (wantUnit) {
  const files = testFiles(isUnit);
  if (files.length > 0)
    add("unit", await run(process.execPath, ["--test", "--test-reporter=tap", ...files]));
}
if (wantKernel) {
  const kernelSuites = testFiles(isKernel);
  if (kernelSuites.length > 0 && (await certifyForTestVm()) !== 0)
    totals.broken.push("certificates");
  for (const file of kernelSuites) {
    const name = relative(root, file);
    const host = file.replace(/\.kernel\.test\.js$/, ".kernel.host.js");
    if (existsSync(host)) {
      console.log(`\n== host half of ${name} ==`);
      const r = await run(process.execPath, [host]);
      if (r.code !== 0) {
        add(name, r);
        continue;
      }
    }
    console.log(`\n== kernel suite ${name} (test VM) ==`);
    const cli = join(dist, "cli", "main.js");
    add(
      name,
      await run(process.execPath, [
        cli,
        "vm",
        "run",
        "--timeout",
        "1800",
        "--",
        process.execPath,
        "--test",
        "--test-reporter=tap",
        file,
      ]),
    );
  }
}

if (totals.broken.length > 0)
  console.log(`\nsuites that failed or ran nothing: ${totals.broken.join(", ")}`);
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 && totals.broken.length === 0 && totals.passed > 0 ? 0 : 1);
