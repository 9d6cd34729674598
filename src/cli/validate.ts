// `proofwall validate <policy...>`: parse and check policies against this
// machine, print every issue as `file:line:col: error|warning code: message`.
// Exit 0: all valid (warnings allowed); 1: some policy is invalid; 2: usage
// error or a file that cannot be read.
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import type { Resolver } from "../policy/resolver.js";

export interface ValidateIo {
  readonly readFile: (path: string) => string;
  readonly resolver: () => Resolver;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const EXIT = { valid: 0, invalid: 1, usage: 2 } as const;

function readable(io: ValidateIo, file: string): string | null {
  try {
    return io.readFile(file);
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    io.err(`${file}: error: validate: cannot read file: ${code}`);
    return null;
  }
}

export async function runValidate(files: readonly string[], io: ValidateIo): Promise<number> {
  const { parsePolicy, checkPolicy, renderIssue, isError } = await import("../policy/index.js");
  let resolver: Resolver | null = null;
  let worst: number = EXIT.valid;
  for (const file of files) {
    const text = readable(io, file);
    if (text === null) {
      worst = EXIT.usage;
      continue;
    }
    const ast = parsePolicy(text, file);
    const result = ast.kind === "ok" ? checkPolicy(ast.value, (resolver ??= io.resolver())) : ast;
    for (const issue of result.issues) io.out(renderIssue(issue, file));
    if (result.kind === "ok") {
      const warnings = result.issues.filter((i) => !isError(i)).length;
      io.out(`${file}: valid: ${result.value.rules.length} rules, ${warnings} warnings`);
    } else {
      const errors = result.issues.filter(isError).length;
      io.out(`${file}: invalid: ${errors} errors`);
      if (worst === EXIT.valid) worst = EXIT.invalid;
    }
  }
  return worst;
}

export function register(program: Command): void {
  program
    .command("validate")
    .description("parse and check policy files against this machine (users, services, paths)")
    .argument("<policy...>", "policy YAML files")
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : EXIT.usage))
    .action(async (files: string[]) => {
      const { systemResolver } = await import("../policy/system-resolver.js");
      process.exitCode = await runValidate(files, {
        readFile: (p) => readFileSync(p, "utf8"),
        resolver: () => systemResolver(),
        out: (l) => process.stdout.write(`${l}\n`),
        err: (l) => process.stderr.write(`${l}\n`),
      });
    });
}
