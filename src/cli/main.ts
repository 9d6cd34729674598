#!/usr/bin/env node
// The `proofwall` command. Each subcommand lives in its own module and is
// registered here; heavy modules (FFI, solvers) load only when their command runs.
import { Command } from "commander";
import { readFileSync } from "node:fs";
import { registerCommands } from "./commands.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

const program = new Command()
  .name("proofwall")
  .description(
    "eBPF LSM enforcer against data exfiltration, with a formal verifier for eBPF bytecode",
  )
  .version(pkg.version);

registerCommands(program);
await program.parseAsync(process.argv);
