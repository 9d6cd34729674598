// One line per subcommand: each module exports a `register(program)` function.
import type { Command } from "commander";

export function registerCommands(_program: Command): void {
  // subcommands are added as their modules land
}
