// `proofwall verify <obj.o>`: proves the safety obligations of every program
// in an eBPF object and reports each one not proved at its C source line,
// with a counterexample replayed in the interpreter. Exit 0: everything
// proved; 1: something refuted or unknown; 2: usage or unreadable input.
import type { Command } from "commander";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { VerifyProgress } from "../verifier/verify.js";
import { withKernelBtf } from "./kernel-btf-option.js";

export const EXIT = { proved: 0, notProved: 1, usage: 2 } as const;
const FORMATS = ["text", "json", "sarif"] as const;
const SOLVERS = ["z3-embedded", "z3", "cvc5"] as const;

export interface VerifyArgs {
  readonly object: string;
  readonly program?: string;
  readonly format: string;
  readonly solver: string;
  readonly emitSmt?: string;
  readonly timeout: string;
  readonly progress: boolean;
  /** --rodata: true alone, or NAME=VALUE settings */
  readonly rodata?: true | readonly string[];
}

export interface VerifyIo {
  readonly readFile: (path: string) => Buffer;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
}

const member = <T extends string>(list: readonly T[], v: string): v is T =>
  (list as readonly string[]).includes(v);

export async function runVerify(a: VerifyArgs, io: VerifyIo): Promise<number> {
  const usage = (msg: string) => (io.err(`verify: ${msg}\n`), EXIT.usage);
  if (!member(FORMATS, a.format)) return usage(`--format must be one of ${FORMATS.join(", ")}`);
  if (!member(SOLVERS, a.solver)) return usage(`--solver must be one of ${SOLVERS.join(", ")}`);
  const seconds = Number(a.timeout);
  if (!(seconds > 0))
    return usage(`--timeout must be a positive number of seconds, got ${a.timeout}`);
  const rodata = rodataSettings(a.rodata);
  if (typeof rodata === "string") return usage(rodata);
  let bytes: Buffer;
  try {
    bytes = io.readFile(a.object);
  } catch (e) {
    return usage(`cannot read ${a.object}: ${(e as { code?: string }).code ?? String(e)}`);
  }
  const v = await import("../verifier/verify.js");
  const report = await import("../verifier/report/index.js");
  const solver = await v.solverByName(a.solver);
  try {
    const outcome = await v.verifyObject(bytes, {
      solver,
      fileName: a.object,
      timeoutMs: Math.round(seconds * 1000),
      concurrency: v.solverConcurrency(a.solver),
      ...(a.program === undefined ? {} : { program: a.program }),
      ...(a.progress ? { onProgress: progress(io) } : {}),
      ...(a.emitSmt === undefined ? {} : { emitSmt: smtWriter(a.emitSmt, a.object) }),
      ...(rodata === undefined ? {} : { rodata }),
    });
    if (outcome.kind === "input-error") {
      for (const m of outcome.messages) io.err(`${m}\n`);
      return EXIT.usage;
    }
    const r = outcome.result;
    const render = { text: report.renderText, json: report.renderJson, sarif: report.renderSarif }[
      a.format
    ];
    io.out(render(r, io.cwd));
    return r.ok ? EXIT.proved : EXIT.notProved;
  } finally {
    if (a.solver === "z3-embedded")
      await (await import("../verifier/smt/z3-embedded.js")).disposeEmbeddedZ3();
  }
}

/** The --rodata settings as a map, or what is wrong with one of them. */
export function rodataSettings(
  option: true | readonly string[] | undefined,
): ReadonlyMap<string, bigint> | undefined | string {
  if (option === undefined) return undefined;
  const out = new Map<string, bigint>();
  for (const setting of option === true ? [] : option) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(-?(?:0x[0-9a-fA-F]+|[0-9]+))$/.exec(setting);
    if (!m?.[1] || !m[2])
      return `--rodata ${setting}: expected NAME=VALUE with a decimal or 0x value`;
    const [name, text] = [m[1], m[2]];
    out.set(name, text.startsWith("-") ? -BigInt(text.slice(1)) : BigInt(text));
  }
  return out;
}

function progress(io: VerifyIo) {
  return (p: VerifyProgress) => {
    const o = p.obligation;
    const mark = o === undefined || o.status === "proved" ? "" : ` ${o.id} ${o.status}`;
    io.err(`\r${p.program}: ${p.done}/${p.total}${mark}${p.done === p.total || mark ? "\n" : ""}`);
  };
}

function smtWriter(dir: string, object: string) {
  mkdirSync(dir, { recursive: true });
  const stem = basename(object).replace(/\.o$/, "");
  return (name: string, text: string) =>
    writeFileSync(join(dir, `${stem}-${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.smt2`), text);
}

export function register(program: Command): void {
  withKernelBtf(program.command("verify"))
    .description(
      "prove the safety of every program in an eBPF object (bounds, NULL checks, init, LSM return values)",
    )
    .argument("<object>", "an eBPF object file (clang -target bpf -g)")
    .option("--program <name>", "verify only this program")
    .option("--format <format>", `output format: ${FORMATS.join(", ")}`, "text")
    .option("--solver <solver>", `SMT solver: ${SOLVERS.join(", ")}`, "z3-embedded")
    .option("--emit-smt <dir>", "write each obligation's SMT-LIB query into this directory")
    .option("--timeout <seconds>", "time limit per obligation", "10")
    .option("--progress", "report progress on stderr (default when stderr is a terminal)")
    .option(
      "--rodata [settings...]",
      "read-only data as a loader freezes it: the object's values, with each NAME=VALUE set first (the kernel reads frozen .rodata as constants)",
    )
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : EXIT.usage))
    .action(
      async (
        object: string,
        opts: Omit<VerifyArgs, "object" | "progress"> & { progress?: boolean },
      ) => {
        process.exitCode = await runVerify(
          { ...opts, object, progress: opts.progress ?? process.stderr.isTTY },
          {
            readFile: (p) => readFileSync(p),
            out: (t) => process.stdout.write(t),
            err: (t) => process.stderr.write(t),
            cwd: process.cwd(),
          },
        );
      },
    );
}
