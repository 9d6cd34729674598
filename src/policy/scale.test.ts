// Large policies must stay usable: rules through parse and check. The default
// run uses 5,000 rules to keep the unit suite quick; PROOFWALL_SCALE=1 runs the
// full 100,000 (parse time is dominated by the yaml reader, ~1-3 MB/s).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePolicy } from "./parse.js";
import { checkPolicy } from "./check.js";
import { fakeResolver } from "./fake-resolver.js";
import { policyYaml } from "./test-support.js";

const N = process.env.PROOFWALL_SCALE === "1" ? 100_000 : 5_000;

function bigPolicy(): {
  text: string;
  files: Record<string, number>;
  users: Record<string, number>;
} {
  const lines: string[] = [];
  const files: Record<string, number> = {};
  const users: Record<string, number> = {};
  for (let i = 0; i < N; i++) {
    const user = `u${i % 1000}`;
    users[user] = 10000 + (i % 1000);
    const head = `    - id: r${i}\n      action: ${i % 3 === 0 ? "allow" : "deny"}\n      subjects: [{ user: ${user} }]`;
    if (i % 2 === 0) {
      files[`/data/f${i}`] = i + 1;
      lines.push(`${head}\n      files: { paths: [/data/f${i}], operations: [read, write] }`);
    } else {
      const a = i % 256;
      const b = Math.floor(i / 256) % 256;
      lines.push(
        `${head}\n      network: { cidrs: [10.${b}.${a}.0/24], ports: [443, "8000-8100"] }`,
      );
    }
  }
  return { text: policyYaml(lines.join("\n")), files, users };
}

test(`${N} rules parse and check`, () => {
  const { text, files, users } = bigPolicy();
  const t0 = performance.now();
  const ast = parsePolicy(text, "big.yaml");
  const t1 = performance.now();
  assert.equal(ast.kind, "ok");
  if (ast.kind !== "ok") return;
  const checked = checkPolicy(ast.value, fakeResolver({ files, users }));
  const t2 = performance.now();
  assert.equal(checked.kind, "ok");
  if (checked.kind !== "ok") return;
  assert.equal(checked.value.rules.length, N);
  const mb = (text.length / 1e6).toFixed(1);
  console.log(
    `# scale: ${N} rules (${mb} MB): parse ${(t1 - t0).toFixed(0)} ms, check ${(t2 - t1).toFixed(0)} ms`,
  );
  // No timed assertion: machines are noisy. The time is printed for the record.
});
