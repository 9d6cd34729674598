// One line per subcommand: each module exports a `register(program)` function.
import type { Command } from "commander";
import { register as registerDemo } from "./demo.js";
import { register as registerDoctor } from "./doctor.js";
import { register as registerValidate } from "./validate.js";
import { register as registerVm } from "./vm.js";

export function registerCommands(program: Command): void {
  registerDemo(program);
  registerDoctor(program);
  registerValidate(program);
  registerVm(program);
}
