// Runs the red-team suite against the real agent on this kernel: sets the
// stage, starts `proofwall agent` with the red-team policy, checks the
// controls, runs every row (the tamper rows that need the seal only when the
// agent is sealed) and uninstalls. Must run as root with BPF LSM: in the VM.
import { readFileSync } from "node:fs";
import { AgentHarness } from "../agent/agent-harness.js";
import type { Mode } from "../policy/index.js";
import type { Row } from "./attempt.js";
import { CONTROLS } from "./controls.js";
import { EVASION_ROWS } from "./evasion-rows.js";
import { FILE_ROWS } from "./file-rows.js";
import { NET_ROWS } from "./net-rows.js";
import type { AttemptResult, ControlResult, Report, RowResult } from "./report.js";
import { Session } from "./session.js";
import { setUpStage } from "./stage.js";
import { TAMPER_ROWS } from "./tamper-rows.js";
import { PIN_ROOT, POLICY_FILE } from "./world.js";

export const ROWS: readonly Row[] = [...FILE_ROWS, ...NET_ROWS, ...EVASION_ROWS, ...TAMPER_ROWS];

const AGENT_ARGS = ["--debounce", "500", "--resolve-interval", "0"];

export interface SuiteOptions {
  /** Start the agent sealed and run the tamper rows that need it (unsealed: listed as pending). */
  readonly sealed: boolean;
  /**
   * "audit" runs the same policy in audit mode: the self-check that the suite
   * reports nothing as blocked when Proofwall only watches.
   */
  readonly mode: Mode;
  readonly say: (line: string) => void;
}

/** The suite's policy, in the mode asked for. */
export function redteamPolicy(mode: Mode): string {
  const text = readFileSync(POLICY_FILE, "utf8");
  const line = /^ {2}mode: enforce$/m;
  if (!line.test(text)) throw new Error(`${POLICY_FILE}: no "mode: enforce" line`);
  return text.replace(line, `  mode: ${mode}`);
}

async function runControls(s: Session): Promise<ControlResult[]> {
  const out: ControlResult[] = [];
  for (const c of CONTROLS) {
    const r = await s.run(c);
    out.push({ name: c.name, ok: r.outcome === "leaked", why: r.why });
  }
  return out;
}

async function runRows(s: Session, o: SuiteOptions): Promise<RowResult[]> {
  const out: RowResult[] = [];
  for (const row of ROWS) {
    if (row.needsSeal && !o.sealed) {
      out.push({ kind: "pending-seal", row });
      continue;
    }
    const attempts: AttemptResult[] = [];
    for (const a of row.attempts) attempts.push(await s.run(a));
    o.say(`${row.group}/${row.channel}: ${attempts.map((a) => a.outcome).join(", ")}`);
    out.push({ kind: "ran", row, attempts });
  }
  return out;
}

export async function runRedteam(o: SuiteOptions): Promise<Report> {
  const stage = await setUpStage();
  const harness = new AgentHarness(redteamPolicy(o.mode), {
    kernel: true,
    pinRoot: PIN_ROOT,
    seal: o.sealed,
  });
  try {
    await harness.start(AGENT_ARGS);
    const session = new Session(
      stage,
      harness,
      AGENT_ARGS,
      o.mode === "enforce" ? "deny" : "audit",
    );
    o.say(`agent ${harness.pid}: ${POLICY_FILE} in ${o.mode} mode`);
    const controls = await runControls(session);
    const rows = await runRows(session, o);
    session.close();
    return { mode: o.mode, controls, rows };
  } finally {
    // Sealed, uninstall is refused like any other change: the operator unseals first.
    if (harness.sealed && harness.running)
      harness.cli(["unseal", "--signed", harness.signUnseal()]);
    const un = harness.cli(["uninstall"]);
    if (un.code !== 0) o.say(`uninstall failed: ${un.stderr}${un.stdout}`);
    await harness.stop();
    await stage.tearDown();
  }
}
