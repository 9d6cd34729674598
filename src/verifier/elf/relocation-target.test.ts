import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readElf } from "./elf-file.js";
import { fixtureObject } from "./test-support.js";

test("relocation targets in relocs.bpf.c are classified like libbpf", () => {
  const r = readElf(readFileSync(fixtureObject("relocs")));
  assert.equal(r.kind, "ok");
  if (r.kind !== "ok") return;
  const prog = r.value.relocationSections.find((s) => s.targetSection === "lsm/file_open");
  assert.ok(prog);
  const targets = prog.relocations.map((x) => x.target);
  const kinds = (k: string): unknown[] => targets.filter((t) => t.kind === k);
  assert.deepEqual(
    kinds("map")
      .map((t) => (t as { name: string }).name)
      .sort(),
    ["counters", "events", "recs"],
  );
  const calls = kinds("subprogram").map((t) => (t as { function: string }).function);
  assert.deepEqual(calls.sort(), ["helper_global", "helper_static"]);
  assert.deepEqual(
    kinds("extern")
      .map((t) => (t as { name: string }).name)
      .sort(),
    ["LINUX_KERNEL_VERSION", "bpf_prog_active"],
  );
  const data = kinds("global-data") as { section: string; symbol: string }[];
  assert.deepEqual(data.map((d) => d.section).sort(), [".bss", ".rodata", ".rodata.str1.1"]);
  assert.ok(data.some((d) => d.section === ".bss" && d.symbol === "zeroed"));
  const text = r.value.relocationSections.find((s) => s.targetSection === ".text");
  assert.deepEqual(
    text?.relocations.map((x) => x.target.kind),
    ["global-data", "global-data"],
  );
});
