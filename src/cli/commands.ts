// One line per subcommand: each module exports a `register(program)` function.
import type { Command } from "commander";
import { register as registerAgent } from "./agent.js";
import { register as registerApply } from "./apply.js";
import { register as registerBuild } from "./build.js";
import { register as registerEvents } from "./events.js";
import { register as registerExplain } from "./explain.js";
import { register as registerFleet } from "./fleet.js";
import { register as registerKeygen } from "./keygen.js";
import { register as registerSign } from "./sign.js";
import { register as registerStatus } from "./status.js";
import { register as registerUninstall } from "./uninstall.js";
import { register as registerUnseal } from "./unseal.js";
import { register as registerDemo } from "./demo.js";
import { register as registerDoctor } from "./doctor.js";
import { register as registerProve } from "./prove.js";
import { register as registerValidate } from "./validate.js";
import { register as registerVerify } from "./verify.js";
import { register as registerVm } from "./vm.js";

export function registerCommands(program: Command): void {
  registerAgent(program);
  registerApply(program);
  registerBuild(program);
  registerEvents(program);
  registerExplain(program);
  registerFleet(program);
  registerKeygen(program);
  registerSign(program);
  registerStatus(program);
  registerUninstall(program);
  registerUnseal(program);
  registerDemo(program);
  registerDoctor(program);
  registerProve(program);
  registerValidate(program);
  registerVerify(program);
  registerVm(program);
}
