// `proofwall explain`: how would the agent decide this request, and why.
// The agent resolves the names (users, paths, services) on its machine and
// decides against its live maps when the engine offers that, else with
// decide() on the policy in force. Exit 0: answered; 1: the agent could not
// resolve or has no policy; 2: usage error or no agent.
import type { Command } from "commander";
import type { PolicyMeta } from "../agent/enforcer.js";
import type { ExplainQuery } from "../agent/wire.js";
import type { Decision } from "../policy/decide.js";
import { MAX_FILE_ANCESTORS } from "../policy/limits.js";
import { assertNever } from "../policy/issue.js";
import type { ResourceClass } from "../policy/model.js";
import { EXIT, err, out, withControl } from "./control-common.js";
import { queryOf, resourceOptions, type ExplainOpts } from "./explain-options.js";

const IDENTITY = ["everyone", "group", "user", "loginUser"] as const;
const SELF = MAX_FILE_ANCESTORS + 1;

/** The resource part of the rank in words (layouts from src/policy/match.ts). */
function resourceWords(cls: ResourceClass, res: readonly number[]): string {
  const [a = 0, b = 0, c = 0] = res;
  switch (cls) {
    case "files":
    case "exec":
      if (a === SELF) return "the file itself";
      return SELF - a === 1 ? "a tree on its directory" : `a tree ${SELF - a} directories up`;
    case "network":
      return `a /${a} block, ${b ? "ports given" : "any port"}, ${c ? "protocol given" : "any protocol"}`;
    case "sockets":
      return a ? "family and type" : "family only";
    case "unix":
    case "capabilities":
    case "ptrace":
    case "mount":
    case "moduleLoad":
      return "an exact match";
    default:
      return assertNever(cls);
  }
}

/** Reads the rank tuple decide() builds: [...resource, executable, placement, identity, action]. */
export function why(d: Decision): string {
  const r = d.reason;
  const audit = r.auditMode ? "; audit mode reports this deny instead of enforcing it" : "";
  if (r.kind === "default")
    return `no ${r.class} rule matches: the ${r.class} default decides${audit}`;
  const n = r.rank.length;
  const [exe, placement, identity] = [r.rank[n - 4] ?? 0, r.rank[n - 3] ?? 0, r.rank[n - 2] ?? 0];
  const subject = [
    exe > 0 ? "executable" : null,
    placement > 0 ? `cgroup level ${placement - 1}` : null,
    IDENTITY[identity] ?? `identity ${identity}`,
  ].filter((x) => x !== null);
  return (
    `rule ${d.ruleId ?? "?"} ranks highest among the matching ${r.class} rules: ` +
    `resource ${resourceWords(r.class, r.rank.slice(0, n - 4))}, subject ${subject.join(" + ")}${audit}`
  );
}

export function renderExplain(a: {
  source: string;
  policy: PolicyMeta;
  decision: Decision;
  live?: { action: string; ruleId: string | null };
  agrees?: boolean;
}): string[] {
  const d = a.decision;
  const mismatch =
    a.live && a.agrees === false
      ? [
          `MISMATCH: the kernel maps say ${a.live.action} by ${a.live.ruleId ?? "default"}, ` +
            `decide() on the policy says ${d.action} by ${d.ruleId ?? "default"}`,
        ]
      : [];
  return [
    ...mismatch,
    `${d.action} by ${d.ruleId === null ? "default" : `rule ${d.ruleId}`}`,
    `why:    ${why(d)}`,
    `policy: ${a.policy.name} generation ${a.policy.generation}, decided ${a.source === "live-maps" ? "from the live kernel maps" : "by decide() on the policy in force"}`,
  ];
}

export function register(program: Command): void {
  resourceOptions(withControl(program.command("explain")))
    .description("show how the agent decides one request and which rule decides it")
    .option("--json", "print the agent's answer as JSON")
    .action(async (o: ExplainOpts & { control: string; json?: boolean }) => {
      const q: ExplainQuery | string = queryOf(o);
      if (typeof q === "string") {
        err(`explain: ${q}`);
        return void (process.exitCode = EXIT.usage);
      }
      const { ask } = await import("../agent/control-client.js");
      const x = await ask(o.control, { op: "explain", query: q });
      if (x.kind === "unreachable") {
        err(`explain: ${x.reason}`);
        return void (process.exitCode = EXIT.usage);
      }
      if (!x.answer.ok) {
        err(x.answer.error);
        return void (process.exitCode = EXIT.refused);
      }
      if (o.json) return out(JSON.stringify(x.answer, null, 2));
      renderExplain(x.answer as unknown as Parameters<typeof renderExplain>[0]).forEach(out);
    });
}
