// A solver's answer to one policy-check query: unsat, sat with the model's
// values of the subject variables, or unknown. The wasm z3 now and then reads
// a script garbled (z3-embedded.ts): any error but the one get-value gives
// after unsat makes the answer void. A sat answer carries the values of every
// get-value of the script.
import { parseSExprs, literalValue } from "../smt/sexpr.js";

export type Answer =
  | { readonly kind: "unsat" }
  | {
      readonly kind: "sat";
      readonly values: Map<string, bigint>;
      /** the Boolean terms asked for that hold in the model */
      readonly holds: ReadonlySet<string>;
    }
  | { readonly kind: "unknown"; readonly reason: string };

const AFTER_UNSAT = /model is not available/;

export function readAnswer(text: string, variables: readonly string[]): Answer {
  let parsed;
  try {
    parsed = parseSExprs(text);
  } catch {
    return { kind: "unknown", reason: text.trim().slice(0, 200) };
  }
  const [first, ...rest] = parsed;
  const errors = parsed
    .filter((e) => Array.isArray(e) && e[0] === "error")
    .map((e) => String(e[1]));
  const foreign = errors.find((e) => !(first === "unsat" && AFTER_UNSAT.test(e)));
  if (foreign !== undefined) return { kind: "unknown", reason: `solver error ${foreign}` };
  if (first === "unsat") return { kind: "unsat" };
  if (first !== "sat" || rest.length === 0)
    return { kind: "unknown", reason: JSON.stringify(first ?? text.trim()).slice(0, 200) };
  const values = new Map<string, bigint>();
  const holds = new Set<string>();
  for (const pairs of rest)
    for (const pair of Array.isArray(pairs) ? pairs : []) {
      const [name, value] = Array.isArray(pair) ? pair : [];
      if (typeof name !== "string" || value === undefined) continue;
      const v = literalValue(value);
      if (typeof v === "bigint") values.set(name, v);
      if (v === true) holds.add(name);
    }
  const missing = variables.find((v) => !values.has(v));
  if (missing !== undefined) return { kind: "unknown", reason: `no model value for ${missing}` };
  return { kind: "sat", values, holds };
}
