// The README's main command runs this demo: it must hold on the real kernel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { requireTestVm } from "../vm/guard.js";
import { runAgentDemo } from "./agent-demo.js";

requireTestVm();

test("the agent demo: every step behaves as it says", async () => {
  const lines: string[] = [];
  const ok = await runAgentDemo((l) => lines.push(l));
  const text = lines.join("\n");
  assert.ok(ok, text);
  assert.ok(!text.includes(" BAD "), text);
  assert.match(
    text,
    /deny {2}file-open rule=secrets root\(0\) pid=\d+ cat \/usr\/bin\/cat -> .*id_ed25519/,
  );
});
