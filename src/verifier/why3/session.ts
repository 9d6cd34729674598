// Why3 proof sessions, written and read as XML. `why3 prove` keeps no
// session, so Proofwall writes the session itself: every goal of the module
// gets one `undone` proof attempt per prover, and `why3 replay -f` runs them
// all and saves their results (plus the goal shapes Why3 uses to pair goals
// after an edit). A later `why3 replay` without -f re-runs the same attempts
// and fails when a result changed, e.g. a goal that was Valid no longer is.
import type { Why3Prover } from "./why3-config.js";

export type Why3Status = "valid" | "invalid" | "timeout" | "unknown" | "failure";

export interface GoalResult {
  readonly goal: string;
  readonly prover: string;
  readonly status: Why3Status;
  readonly seconds: number;
  /** false when the attempt has no result (not run) */
  readonly ran: boolean;
}

export interface SessionSpec {
  /** the WhyML file, relative to the session directory */
  readonly file: string;
  readonly module: string;
  readonly goals: readonly string[];
  readonly provers: readonly Why3Prover[];
  readonly timeoutSeconds: number;
}

const HEADER = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<!DOCTYPE why3session PUBLIC "-//Why3//proof session v5//EN"',
  '"https://www.why3.org/why3session.dtd">',
  '<why3session shape_version="6">',
];

const attr = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

export function sessionXml(spec: SessionSpec): string {
  const lines = [...HEADER];
  spec.provers.forEach((p, i) =>
    lines.push(
      `<prover id="${i}" name="${attr(p.name)}" version="${attr(p.version)}" timelimit="${spec.timeoutSeconds}" steplimit="0" memlimit="1000"/>`,
    ),
  );
  lines.push('<file format="whyml">', `<path name="${attr(spec.file)}"/>`);
  lines.push(`<theory name="${attr(spec.module)}">`);
  for (const goal of spec.goals) {
    lines.push(` <goal name="${attr(goal)}">`);
    spec.provers.forEach((_, i) => lines.push(` <proof prover="${i}"><undone/></proof>`));
    lines.push(" </goal>");
  }
  lines.push("</theory>", "</file>", "</why3session>", "");
  return lines.join("\n");
}

/** Why3's result statuses folded into the five verdicts Proofwall reports. */
export function statusOf(xmlStatus: string): Why3Status {
  switch (xmlStatus) {
    case "valid":
    case "invalid":
    case "timeout":
    case "unknown":
      return xmlStatus;
    case "steplimitexceeded":
      return "timeout";
    default:
      return "failure";
  }
}

/** Results of a saved session: one per (goal, prover) attempt; an attempt not run is a failure. */
export function readResults(xml: string): GoalResult[] {
  const provers = new Map<string, string>();
  for (const m of xml.matchAll(/<prover id="(\d+)" name="([^"]*)"/g))
    provers.set(m[1] ?? "", (m[2] ?? "").toLowerCase());
  const out: GoalResult[] = [];
  for (const g of xml.matchAll(/<goal name="([^"]*)"[^>]*>([\s\S]*?)<\/goal>/g)) {
    for (const p of (g[2] ?? "").matchAll(/<proof prover="(\d+)"[^>]*>([\s\S]*?)<\/proof>/g)) {
      const result = /<result status="([a-z]+)"(?: time="([0-9.]+)")?/.exec(p[2] ?? "");
      out.push({
        goal: g[1] ?? "",
        prover: provers.get(p[1] ?? "") ?? `prover ${p[1]}`,
        status: result ? statusOf(result[1] ?? "") : "failure",
        seconds: Number(result?.[2] ?? 0),
        ran: result !== null,
      });
    }
  }
  return out;
}
