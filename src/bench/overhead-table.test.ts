import { test } from "node:test";
import assert from "node:assert/strict";
import type { OverheadRow } from "./overhead.js";
import { renderOverhead } from "./overhead-table.js";
import { summarize } from "./stats.js";

const row = (condition: string, ns: number[], extra: Partial<OverheadRow> = {}): OverheadRow => ({
  workload: "tcp connect",
  iterations: 500,
  condition,
  nsPerOp: summarize(ns),
  ratio: null,
  programs: [],
  bpfNsPerOp: null,
  ...extra,
});

const rows: OverheadRow[] = [
  row("no program", [100, 110, 90]),
  row("engine, 10 rules", [120, 130, 110], {
    ratio: summarize([1.2, 1.18, 1.22]),
    programs: [{ program: "pw_socket_create", runsPerOp: 1, nsPerRun: 15, nsPerOp: 15 }],
    bpfNsPerOp: 15,
  }),
  row("engine, 100000 rules", [125, 135, 115], {
    ratio: summarize([1.25, 1.24, 1.26]),
    programs: [
      { program: "pw_socket_connect", runsPerOp: 1, nsPerRun: 8, nsPerOp: 8 },
      { program: "pw_socket_create", runsPerOp: 1.01, nsPerRun: 16, nsPerOp: 16.16 },
    ],
    bpfNsPerOp: 24.16,
  }),
];

test("the conditions of a workload sit side by side, one column each", () => {
  const lines = renderOverhead(rows).split("\n");
  assert.equal(lines[0], "tcp connect: 500 per run, 3 rounds");
  const header = lines[1] ?? "";
  const col10 = header.indexOf("engine, 10 rules");
  const col100k = header.indexOf("engine, 100000 rules");
  assert.ok(header.indexOf("no program") < col10 && col10 < col100k);
  const ratios = lines.find((l) => l.trimStart().startsWith("vs no program")) ?? "";
  assert.equal(ratios.indexOf("+20.0% (spread 3%)"), col10);
  assert.equal(ratios.indexOf("+25.0% (spread 2%)"), col100k);
});

test("every program that ran gets a row, costliest first, blank where it did not run", () => {
  const lines = renderOverhead(rows).split("\n");
  const header = lines[1] ?? "";
  const create = lines.findIndex((l) => l.includes("pw_socket_create"));
  const connect = lines.findIndex((l) => l.includes("pw_socket_connect"));
  assert.ok(create > 0 && connect > create);
  const createLine = lines[create] ?? "";
  assert.equal(createLine.indexOf("15 (1.00 x 15)"), header.indexOf("engine, 10 rules"));
  assert.equal(createLine.indexOf("16 (1.01 x 16)"), header.indexOf("engine, 100000 rules"));
  assert.equal(
    (lines[connect] ?? "").trimEnd().indexOf("8 (1.00 x 8)"),
    header.indexOf("engine, 100000 rules"),
  );
});

test("workloads are separate blocks", () => {
  const open = rows.map((r) => ({ ...r, workload: "open+close" }));
  const text = renderOverhead([...open, ...rows]);
  assert.deepEqual(
    text.split("\n").filter((l) => l.includes("per run")),
    ["open+close: 500 per run, 3 rounds", "tcp connect: 500 per run, 3 rounds"],
  );
});
