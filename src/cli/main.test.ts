import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("./main.js", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [main, ...args], { encoding: "utf8" });
}

test("--version prints the package version", () => {
  const r = cli("--version");
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test("--help lists the commands", () => {
  const r = cli("--help");
  assert.equal(r.status, 0);
  for (const command of ["demo", "doctor", "vm"])
    assert.match(r.stdout, new RegExp(`^\\s+${command}\\b`, "m"));
});

test("an unknown command is a usage error", () => {
  const r = cli("no-such-command");
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /unknown command/);
});

test("agent map capacities must be positive integers, refused before anything loads", () => {
  for (const [option, value] of [
    ["--max-rules", "0"],
    ["--max-objects", "lots"],
  ] as const) {
    const r = cli("agent", "--no-kernel", option, value);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${option} ${value}: expected an integer`));
  }
});
