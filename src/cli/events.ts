// `proofwall events [--follow] [--json]`: the agent's recent decisions (the
// last thousand), and with --follow every new one as it happens. The agent
// has already named them: user, executable path, file path or address:port.
import type { Command } from "commander";
import type { NamedEvent } from "../agent/event-names.js";
import { EXIT, err, out, withControl } from "./control-common.js";

export function renderEvent(e: NamedEvent): string {
  const who = `${e.user ?? "?"}(${e.uid})`;
  const rule = e.ruleId === null ? "default" : `rule=${e.ruleId}`;
  return `${e.time} ${e.action.padEnd(5)} ${e.hook} ${rule} ${who} pid=${e.pid} ${e.comm} ${e.exe ?? "-"} -> ${e.resource}`;
}

export function register(program: Command): void {
  withControl(program.command("events"))
    .description("print recent decisions reported by the agent; --follow keeps printing new ones")
    .option("--follow", "keep streaming new events")
    .option("--json", "one JSON object per line")
    .action(async (o: { control: string; follow?: boolean; json?: boolean }) => {
      const { converse } = await import("../agent/control-client.js");
      let refused: string | null = null;
      const x = await converse(o.control, { op: "events", follow: o.follow === true }, (a) => {
        if (!a.ok) {
          refused = a.error;
          return "done";
        }
        if (a["end"] === true) return "done";
        const e = a["event"] as NamedEvent;
        out(o.json ? JSON.stringify(e) : renderEvent(e));
        return "more";
      });
      if (x.kind === "unreachable") {
        err(`events: ${x.reason}`);
        process.exitCode = EXIT.usage;
      } else if (refused !== null) {
        err(refused);
        process.exitCode = EXIT.refused;
      }
    });
}
