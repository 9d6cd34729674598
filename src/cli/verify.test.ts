// proofwall verify: exit codes 0/1/2, the text report names the C line of a
// planted bug, JSON is versioned and SARIF carries the physical location.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bugLine, compile, repoRoot } from "../verifier/corpus/build-corpus.js";
import { EXIT, rodataSettings, runVerify, type VerifyArgs } from "./verify.js";

const dir = mkdtempSync(join(tmpdir(), "pw-cli-verify-"));
const buggy = compile("null_lookup.bpf.c", join(dir, "bug.o"));
const fixed = compile("null_lookup.bpf.c", join(dir, "fixed.o"), ["FIXED"]);
const files: Record<string, Buffer> = {
  "bug.o": buggy,
  "fixed.o": fixed,
  "not-elf.o": Buffer.from("#!/bin/sh\necho this is a shell script, not an object\n"),
};

async function run(over: Partial<VerifyArgs> & { object: string }) {
  let out = "";
  let err = "";
  const code = await runVerify(
    { format: "text", solver: "z3", timeout: "10", progress: false, ...over },
    {
      readFile: (p) => {
        const b = files[p];
        if (b === undefined) throw Object.assign(new Error("nope"), { code: "ENOENT" });
        return b;
      },
      out: (t) => (out += t),
      err: (t) => (err += t),
      cwd: repoRoot,
    },
  );
  return { code, out, err };
}

test("verify: a proved object exits 0; a planted bug exits 1 with its source line", async () => {
  assert.equal((await run({ object: "fixed.o" })).code, EXIT.proved);
  const r = await run({ object: "bug.o" });
  assert.equal(r.code, EXIT.notProved);
  const line = bugLine("null_lookup.bpf.c");
  assert.match(r.out, new RegExp(`--> src/verifier/test-data/corpus/null_lookup.bpf.c:${line}:`));
  assert.match(r.out, /null-check at insn \d+ violated/);
  assert.match(r.out, /counterexample:/);
});

test("verify: json is versioned and sarif locates the bug in the C source", async () => {
  const json = JSON.parse((await run({ object: "bug.o", format: "json" })).out) as {
    version: number;
    ok: boolean;
    totals: { violated: number };
  };
  assert.equal(json.version, 1);
  assert.equal(json.ok, false);
  assert.ok(json.totals.violated >= 1);
  const sarif = JSON.parse((await run({ object: "bug.o", format: "sarif" })).out) as {
    version: string;
    runs: {
      results: {
        ruleId: string;
        level: string;
        locations: {
          physicalLocation: {
            artifactLocation: { uri: string };
            region: { startLine: number; startColumn: number };
          };
        }[];
      }[];
    }[];
  };
  assert.equal(sarif.version, "2.1.0");
  const hit = sarif.runs[0]?.results.find((x) => x.ruleId === "null-check" && x.level === "error");
  assert.ok(hit);
  const loc = hit.locations[0]?.physicalLocation;
  assert.equal(loc?.artifactLocation.uri, "src/verifier/test-data/corpus/null_lookup.bpf.c");
  assert.equal(loc?.region.startLine, bugLine("null_lookup.bpf.c"));
  assert.ok((loc?.region.startColumn ?? 0) > 0);
});

test("verify: usage and input errors exit 2 and name the file and field", async () => {
  const notElf = await run({ object: "not-elf.o" });
  assert.equal(notElf.code, EXIT.usage);
  assert.match(notElf.err, /not-elf\.o: e_ident\[EI_MAG\]: read elf: .*not an elf file/);
  assert.equal((await run({ object: "missing.o" })).code, EXIT.usage);
  assert.equal((await run({ object: "bug.o", format: "xml" })).code, EXIT.usage);
  assert.equal((await run({ object: "bug.o", solver: "yices" })).code, EXIT.usage);
  assert.equal((await run({ object: "bug.o", program: "nope" })).code, EXIT.usage);
  assert.equal((await run({ object: "bug.o", timeout: "-1" })).code, EXIT.usage);
});

test("verify: the real command with the embedded solver exits by itself", async () => {
  const { spawnSync } = await import("node:child_process");
  const r = spawnSync(
    process.execPath,
    [join(repoRoot, "dist", "cli", "main.js"), "verify", join(dir, "fixed.o")],
    {
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  assert.equal(r.signal, null);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /verified \(solver z3-embedded/);
  assert.ok(readFileSync(join(dir, "fixed.o")).length > 0);
});

test("verify --rodata: NAME=VALUE settings parse; a malformed one is named", () => {
  assert.equal(rodataSettings(undefined), undefined);
  assert.deepEqual(rodataSettings(true), new Map());
  assert.deepEqual(
    rodataSettings(["a=1", "b_2=0x10", "c=-3"]),
    new Map([
      ["a", 1n],
      ["b_2", 16n],
      ["c", -3n],
    ]),
  );
  assert.match(String(rodataSettings(["a=one"])), /--rodata a=one: expected NAME=VALUE/);
});
