// The pieces of the differential suite that need no kernel: mutants stay
// readable objects that differ from the original in exactly one slot, and
// the comparison classifies each combination of verdicts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../corpus/build-corpus.js";
import { readObject } from "../object/index.js";
import type { VerifyResult } from "../report/index.js";
import { compare, isMemorySafety, kernelReason, ourVerdict } from "./compare.js";
import { coreRelocated, mutants } from "./mutate.js";
import { findSection, readElf } from "../elf/elf-file.js";

test("mutants: deterministic, readable, one 8-byte slot changed", () => {
  const bytes = readFileSync(join(repoRoot, "build", "bpf", "file_guard.bpf.o"));
  const a = mutants(bytes, "file_guard.bpf.o", 10);
  const b = mutants(bytes, "file_guard.bpf.o", 10);
  assert.equal(a.length, 10);
  assert.deepEqual(
    a.map((m) => m.change),
    b.map((m) => m.change),
  );
  for (const m of a) {
    assert.equal(readObject(m.bytes, m.name).kind, "ok");
    const diff = [...m.bytes].flatMap((x, i) => (x === bytes[i] ? [] : [i]));
    assert.ok(diff.length > 0 && (diff.at(-1) ?? 0) - (diff[0] ?? 0) < 8, m.change);
  }
});

test("mutants: named and seeded by the object's name, not by its place among the cases", () => {
  const bytes = readFileSync(join(repoRoot, "build", "bpf", "file_guard.bpf.o"));
  const a = mutants(bytes, "file_guard", 4);
  assert.deepEqual(
    a.map((m) => m.name),
    ["file_guard#0", "file_guard#1", "file_guard#2", "file_guard#3"],
  );
  const other = mutants(bytes, "file_guard-copy", 4);
  assert.notDeepEqual(
    a.map((m) => m.change),
    other.map((m) => m.change),
  );
});

test("mutants: never an instruction a CO-RE relocation patches (libbpf would refuse it)", () => {
  const path = join(repoRoot, "build", "bpf", "file_guard.bpf.o");
  const bytes = readFileSync(path);
  const elf = readElf(bytes);
  assert.equal(elf.kind, "ok");
  if (elf.kind !== "ok") return;
  const relocated = coreRelocated(elf.value);
  const offsets = [...relocated.values()].flatMap((s) => [...s]);
  assert.ok(offsets.length > 0, "file_guard has CO-RE relocations to avoid");
  const start = (sec: string) => findSection(elf.value, sec)?.offset ?? -1;
  const hit = [...relocated].flatMap(([sec, offs]) => [...offs].map((o) => start(sec) + o));
  // Enough mutants that, drawn uniformly, some would land on a relocated slot.
  for (const m of mutants(bytes, "file_guard", 200)) {
    const first = m.bytes.findIndex((x, i) => x !== bytes[i]);
    const slotStart = hit.find((h) => first >= h && first < h + 8);
    assert.equal(slotStart, undefined, `${m.name} changed a relocated slot: ${m.change}`);
  }
});

const result = (status: "proved" | "violated"): VerifyResult =>
  ({
    file: "x",
    solver: "s",
    ok: status === "proved",
    ms: 0,
    totals: { proved: 0, violated: 0, unconfirmed: 0, unknown: 0, lints: 0 },
    programs: [
      {
        name: "p",
        error: undefined,
        truncated: false,
        obligations: [{ kind: "stack-bounds", lint: false, status }],
      },
    ],
  }) as unknown as VerifyResult;

test("compare: agreement, our rejections and kernel rejections by reason", () => {
  assert.deepEqual(compare(ourVerdict(result("proved")), { kind: "accepted" }), {
    kind: "agree",
    verdict: "safe",
  });
  assert.deepEqual(compare(ourVerdict(result("violated")), { kind: "rejected", reason: "x" }), {
    kind: "agree",
    verdict: "unsafe",
  });
  assert.equal(compare(ourVerdict(result("violated")), { kind: "accepted" }).kind, "we-reject");
  const k = compare(ourVerdict(result("proved")), {
    kind: "rejected",
    reason: "invalid stack off=-520 size=8",
  });
  assert.deepEqual(k, {
    kind: "kernel-rejects",
    memorySafety: true,
    why: "invalid stack off=-520 size=8",
  });
  assert.equal(isMemorySafety("unknown func bpf_foo#999"), false);
  assert.equal(
    kernelReason("0: (b7) r0 = 0\nR0 !read_ok\nprocessed 1 insns (limit 1000000)\n"),
    "R0 !read_ok",
  );
});
