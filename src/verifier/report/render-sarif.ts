// SARIF 2.1.0, so CI systems annotate the C source: one result per
// obligation that is not proved, located at the source file, line and column
// of its instruction (from .BTF.ext line info), with the program as the
// logical location. A violation is an error; an unconfirmed refutation or
// an unknown is a warning; a lint is a note.
import type { ObligationReport, ProgramReport, VerifyResult } from "./verify-result.js";
import { displayPath } from "./source-path.js";

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const DESCRIPTIONS: Record<ObligationReport["kind"], string> = {
  "uninit-reg": "a register is read before it is written",
  "stack-bounds": "a stack access lies outside [r10-512, r10)",
  "stack-init": "a stack read (or helper argument) covers unwritten bytes",
  "ctx-bounds": "a context access lies outside the context",
  "ctx-write": "the program writes to its read-only context",
  "mem-bounds": "a map value, ring buffer record or global access is out of bounds",
  "null-check": "a pointer that may be NULL is used without a check",
  "bad-pointer": "a load or store goes through a scalar or a map handle",
  "helper-arg": "a helper argument does not match the helper's contract",
  "return-range": "an LSM program returns a value outside [-4095, 0]",
  "loop-bound": "a loop may run more often than the unrolling bound",
  unsupported: "the program uses something the verifier does not model",
  "div-by-zero": "a division by a register that may be zero (lint)",
  "shift-range": "a shift by a constant outside [0, operand width), which the kernel refuses",
  "pointer-arith":
    "a pointer in arithmetic other than add or sub (64-bit) or pointer minus pointer, which the kernel refuses",
  functional: "a clause of the program's functional specification does not hold",
};

export function renderSarif(r: VerifyResult, root: string): string {
  const results = r.programs.flatMap((p) => [
    ...p.obligations.filter((o) => o.status !== "proved").map((o) => result(p, o, root)),
    ...(p.error === undefined ? [] : [programResult(p, r.file, p.error)]),
    ...(p.truncated ? [programResult(p, r.file, `exploration stopped at ${p.paths} paths`)] : []),
  ]);
  const doc = {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "proofwall-verify",
            rules: [
              ...Object.entries(DESCRIPTIONS).map(([id, text]) => ({
                id,
                shortDescription: { text },
              })),
              { id: "program", shortDescription: { text: "the program could not be verified" } },
            ],
          },
        },
        properties: { solver: r.solver, object: r.file },
        results,
      },
    ],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function level(o: ObligationReport): "error" | "warning" | "note" {
  if (o.lint) return "note";
  return o.status === "violated" ? "error" : "warning";
}

function result(p: ProgramReport, o: ObligationReport, root: string) {
  const text = `${o.message} (${o.status}${o.reason ? `: ${o.reason}` : ""})`;
  const physical = o.source && {
    artifactLocation: { uri: displayPath(o.source.file, root) },
    region: {
      startLine: o.source.line,
      ...(o.source.column > 0 ? { startColumn: o.source.column } : {}),
      snippet: { text: o.source.text },
    },
  };
  return {
    ruleId: o.kind,
    level: level(o),
    message: { text },
    locations: [
      {
        ...(physical ? { physicalLocation: physical } : {}),
        logicalLocations: [{ name: p.name, kind: "function" }],
      },
    ],
    properties: {
      program: p.name,
      insn: o.pc,
      status: o.status,
      ...(o.counterexample
        ? { counterexample: o.counterexample.inputs, replay: o.counterexample.replay.kind }
        : {}),
    },
  };
}

function programResult(p: ProgramReport, file: string, why: string) {
  return {
    ruleId: "program",
    level: "error" as const,
    message: { text: `${p.name}: ${why}` },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: file } },
        logicalLocations: [{ name: p.name, kind: "function" }],
      },
    ],
  };
}
