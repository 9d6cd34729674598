// `proofwall build [objects...]`: verifies each object the product loads and
// writes its certificate next to it (x.bpf.o.cert.json). An object that does
// not fully prove still gets a certificate, which says what is not proved;
// the loader refuses it. Exit 0: every object proved; 1: a certificate says
// "unproved"; 2: usage or unreadable input. Every proved certificate is also
// kept in a cache (certificate/cache.ts); --reuse takes it from there when
// nothing it depends on has changed, which makes a rerun instant.
import type { Command } from "commander";
import { readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { repoRoot } from "../paths.js";
import type { Certificate } from "../verifier/certificate/index.js";
import { withKernelBtf } from "./kernel-btf-option.js";

const SOLVERS = ["z3-embedded", "z3", "cvc5"] as const;
type SolverName = (typeof SOLVERS)[number];

/** The objects the agent loads. */
export const PRODUCT_OBJECT = /^(enforce_.*|self_protect|file_guard)\.bpf\.o$/;

export interface BuildFlags {
  readonly solver: string;
  readonly timeout: string;
  readonly maxPaths: string;
  /** take a proved certificate from the cache when one matches */
  readonly reuse?: boolean;
}

export function productObjects(dir = join(repoRoot, "build", "bpf")): string[] {
  return readdirSync(dir)
    .filter((f) => PRODUCT_OBJECT.test(f))
    .sort()
    .map((f) => join(dir, f));
}

function proofwallVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
    version?: string;
  };
  return pkg.version ?? "unknown";
}

const isSolver = (s: string): s is SolverName => (SOLVERS as readonly string[]).includes(s);
const err = (line: string) => process.stderr.write(`${line}\n`);
const out = (line: string) => process.stdout.write(`${line}\n`);

/**
 * An object's read-only settings as its loader sets and freezes them for the
 * kernel being proved against (its BTF decides them, and the certificate
 * records that BTF's hash).
 */
async function loaderRodataFor(path: string): Promise<ReadonlyMap<string, bigint> | undefined> {
  const { loaderRodata, kernelShape } = await import("../enforce/kernel-shape.js");
  const { kernelBtfSource } = await import("../verifier/btf/index.js");
  return loaderRodata(basename(path).replace(/\.bpf\.o$/, ""), kernelShape(kernelBtfSource()));
}

type Certify = typeof import("../verifier/certificate/index.js");

/** What the proof of `bytes` depends on, as the cache's key. */
async function cacheKey(
  c: Certify,
  bytes: Buffer,
  rodata: ReadonlyMap<string, bigint> | undefined,
) {
  const { kernelBtfIdentity } = await import("../verifier/btf/index.js");
  return {
    objectSha256: c.sha256(bytes),
    kernelBtfSha256: kernelBtfIdentity()?.sha256 ?? null,
    rodata: [...(rodata ?? [])].map(([k, v]) => `${k}=${v}`).sort(),
    proofwallVersion: proofwallVersion(),
    verifierSha256: c.verifierSha256(),
  };
}

/** Written whole, then renamed over the old one: a loader never reads half a certificate. */
function writeCertificate(path: string, cert: Certificate): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(cert, null, 2)}\n`);
  renameSync(partial, path);
}

function report(path: string, cert: Certificate, how: string): number {
  const p = cert.programs;
  const proved = p.reduce((n, x) => n + x.obligations.proved, 0);
  const open = p.reduce((n, x) => n + x.obligations.total - x.obligations.proved, 0);
  out(
    `${basename(path)}: ${cert.status}: ${proved} obligations proved, ${open} not, ${how} -> ${basename(path)}.cert.json`,
  );
  return cert.status === "proved" ? 0 : 1;
}

async function certifyOne(path: string, solver: SolverName, flags: BuildFlags): Promise<number> {
  const v = await import("../verifier/verify.js");
  const c = await import("../verifier/certificate/index.js");
  const bytes = readFileSync(path);
  const rodata = await loaderRodataFor(path);
  const key = await cacheKey(c, bytes, rodata);
  const cacheDir = c.certificateCacheDir();
  const cached = flags.reuse === true ? c.cachedCertificate(cacheDir, key) : null;
  if (cached !== null) {
    writeCertificate(c.certificatePath(path), cached);
    return report(
      path,
      cached,
      `reused (proved ${cached.createdAt} in ${(cached.ms / 1000).toFixed(1)} s)`,
    );
  }
  const outcome = await v.verifyObject(bytes, {
    solver: await v.solverByName(solver),
    fileName: path,
    timeoutMs: Math.round(Number(flags.timeout) * 1000),
    maxPaths: Number(flags.maxPaths),
    concurrency: v.solverConcurrency(solver),
    ...(rodata === undefined ? {} : { rodata }),
  });
  if (outcome.kind === "input-error") {
    outcome.messages.forEach(err);
    return 2;
  }
  const cert = c.makeCertificate({
    bytes,
    file: basename(path),
    result: outcome.result,
    solvers: [await c.solverVersion(solver)],
    kernel: (await import("../verifier/btf/index.js")).kernelBtfIdentity(),
    version: proofwallVersion(),
  });
  writeCertificate(c.certificatePath(path), cert);
  c.cacheCertificate(cacheDir, key, cert);
  const code = report(path, cert, `${(cert.ms / 1000).toFixed(1)} s`);
  c.unprovedPrograms(cert).forEach((l) => out(`  ${l}`));
  return code;
}

export async function runBuild(objects: readonly string[], flags: BuildFlags): Promise<number> {
  if (!isSolver(flags.solver)) {
    err(`build: --solver must be one of ${SOLVERS.join(", ")}`);
    return 2;
  }
  if (!(Number(flags.timeout) > 0) || !(Number(flags.maxPaths) > 0)) {
    err(`build: --timeout and --max-paths must be positive numbers`);
    return 2;
  }
  let files: string[];
  try {
    files = objects.length > 0 ? [...objects] : productObjects();
  } catch (e) {
    err(`build: no objects to certify (${(e as Error).message}); run npm run build first`);
    return 2;
  }
  let worst = 0;
  try {
    for (const f of files) worst = Math.max(worst, await certifyOne(f, flags.solver, flags));
  } catch (e) {
    err(`build: ${(e as Error).message}`);
    worst = 2;
  } finally {
    if (flags.solver === "z3-embedded")
      await (await import("../verifier/smt/z3-embedded.js")).disposeEmbeddedZ3();
  }
  return worst;
}

export function register(program: Command): void {
  withKernelBtf(program.command("build"))
    .description("verify the objects the agent loads and write a certificate next to each")
    .argument("[objects...]", "objects (default: enforce_*, self_protect, file_guard in build/bpf)")
    .option("--solver <solver>", `SMT solver: ${SOLVERS.join(", ")}`, "z3-embedded")
    .option("--timeout <seconds>", "time limit per obligation", "10")
    // The same cap as `proofwall prove`: enforce_file's exploration stops there (recorded, not hidden).
    .option("--max-paths <n>", "paths explored per program before giving up", "1100")
    .option(
      "--reuse",
      "take a proved certificate from the cache when the object, kernel BTF, read-only settings and verifier are the ones it was proved for",
    )
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2))
    .action(async (objects: string[], flags: BuildFlags) => {
      process.exitCode = await runBuild(objects, flags);
    });
}
