// What the control-socket commands (status, apply, explain, events,
// uninstall) share: the --control option and the exit codes.
import type { Command } from "commander";
import { DEFAULT_CONTROL_SOCKET } from "../agent/wire.js";

export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

export function withControl(cmd: Command): Command {
  return cmd
    .option("--control <socket>", "the agent's control socket", DEFAULT_CONTROL_SOCKET)
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : EXIT.usage));
}

export const out = (line: string): void => void process.stdout.write(`${line}\n`);
export const err = (line: string): void => void process.stderr.write(`${line}\n`);
