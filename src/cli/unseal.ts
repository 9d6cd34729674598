// `proofwall unseal --signed <request>`: lifts a sealed agent's seal with a
// request signed by `proofwall sign-unseal`. The agent verifies it; without
// one, only a reboot lifts the seal. Exit 0: unsealed; 1: refused; 2: usage
// error or no agent to talk to.
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import type { SealState } from "../agent/seal-state.js";
import { renderSeal } from "../agent/seal-state.js";
import { EXIT, err, out, withControl } from "./control-common.js";

export function register(program: Command): void {
  withControl(program.command("unseal"))
    .description("lift the agent's seal with a signed request (`proofwall sign-unseal`)")
    .requiredOption("--signed <request>", "the signed unseal request")
    .action(async (o: { control: string; signed: string }) => {
      let envelope: string;
      try {
        envelope = readFileSync(o.signed, "utf8");
      } catch (e) {
        err(`unseal: read ${o.signed}: ${(e as { code?: string }).code ?? String(e)}`);
        return void (process.exitCode = EXIT.usage);
      }
      const { ask } = await import("../agent/control-client.js");
      const x = await ask(o.control, { op: "unseal", envelope });
      if (x.kind === "unreachable") {
        err(`unseal: ${x.reason}`);
        return void (process.exitCode = EXIT.usage);
      }
      if (!x.answer.ok) {
        err(x.answer.error);
        return void (process.exitCode = EXIT.refused);
      }
      out(`seal: ${renderSeal(x.answer["seal"] as SealState)}`);
    });
}
