// `proofwall uninstall`: the agent removes every program, map and pin, answers,
// and exits with a status its systemd unit does not restart.
import type { Command } from "commander";
import { EXIT, err, out, withControl } from "./control-common.js";

export function register(program: Command): void {
  withControl(program.command("uninstall"))
    .description("remove all enforcement (programs, maps, pins) and stop the agent")
    .action(async (o: { control: string }) => {
      const { ask } = await import("../agent/control-client.js");
      const x = await ask(o.control, { op: "uninstall" });
      if (x.kind === "unreachable") {
        err(`uninstall: ${x.reason}`);
        process.exitCode = EXIT.usage;
      } else if (!x.answer.ok) {
        err(x.answer.error);
        process.exitCode = EXIT.refused;
      } else out("uninstalled: nothing is enforced; the agent has exited");
    });
}
