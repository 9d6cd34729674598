// Works out which kernel modules the guest must load, and in which order, from
// the kernel package itself. Debian moves drivers between built-in and modular
// (and changes their dependencies) between point releases, so nothing here is
// hard-coded beyond the features we need.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { VmError } from "./errors.js";
import { exec } from "./exec.js";

/** Features the guest needs: PCI virtio transport, the 9p root, and overlayfs on top. */
export const REQUIRED_MODULES: readonly string[] = ["virtio_pci", "9pnet_virtio", "9p", "overlay"];

/** Module names treat '-' and '_' alike (the kernel does). */
export function normalizeModuleName(name: string): string {
  return name.replace(/-/g, "_");
}

export function moduleNameFromPath(path: string): string {
  return normalizeModuleName(basename(path).replace(/\.ko(\.(xz|zst|gz))?$/, ""));
}

/** `modules.builtin` lists one path per line, e.g. `kernel/fs/ext4/ext4.ko`. */
export function parseModulesBuiltin(text: string): Set<string> {
  const names = text.split("\n").filter((l) => l.trim() !== "");
  return new Set(names.map(moduleNameFromPath));
}

/** `modules.dep` lines: `kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko`. */
export function parseModulesDep(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const deps = line.slice(colon + 1).trim();
    out.set(
      moduleNameFromPath(line.slice(0, colon)),
      deps ? deps.split(/\s+/).map(moduleNameFromPath) : [],
    );
  }
  return out;
}

/** `modinfo -F depends` prints a comma-separated list (possibly empty). */
export function parseDependsField(text: string): string[] {
  return text
    .trim()
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(normalizeModuleName);
}

export interface ModuleGraph {
  /** Loadable modules: name → its direct dependencies (built-in ones already dropped). */
  readonly deps: ReadonlyMap<string, readonly string[]>;
}

/**
 * Collects the dependency closure of `required`. Built-in modules need nothing;
 * anything neither built-in nor on disk is an error naming the module and who needs it.
 */
export async function collectModules(
  required: readonly string[],
  builtin: ReadonlySet<string>,
  available: ReadonlySet<string>,
  readDeps: (name: string) => Promise<readonly string[]>,
): Promise<ModuleGraph> {
  const deps = new Map<string, readonly string[]>();
  const queue = required.map((name) => ({
    name: normalizeModuleName(name),
    neededBy: "the test VM",
  }));
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const { name, neededBy } = item;
    if (builtin.has(name) || deps.has(name)) continue;
    if (!available.has(name)) {
      throw new VmError(
        "module-missing",
        `resolve modules: kernel module ${name} (needed by ${neededBy}) is neither built in nor shipped in the kernel package`,
      );
    }
    const direct = (await readDeps(name)).filter((d) => !builtin.has(d));
    deps.set(name, direct);
    for (const d of direct) queue.push({ name: d, neededBy: name });
  }
  return { deps };
}

/** Dependencies before dependents (depth-first post-order); stable for a given graph. */
export function loadOrder(graph: ModuleGraph, required: readonly string[]): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: readonly string[]): void => {
    const s = state.get(name);
    if (s === "done") return;
    if (s === "visiting")
      throw new VmError(
        "build-failed",
        `order modules: dependency cycle ${[...path, name].join(" -> ")}`,
      );
    const direct = graph.deps.get(name);
    if (direct === undefined) return; // built in
    state.set(name, "visiting");
    for (const d of direct) visit(d, [...path, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const r of required) visit(normalizeModuleName(r), []);
  return order;
}

/** Every module file under lib/modules/<release>/, by normalized name. */
export function scanModuleFiles(modulesDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of readdirSync(modulesDir, { recursive: true }).map(String)) {
    if (/\.ko(\.(xz|zst|gz))?$/.test(rel)) out.set(moduleNameFromPath(rel), join(modulesDir, rel));
  }
  return out;
}

export interface ResolvedModules {
  /** Load order, dependencies first, with the file each comes from. */
  readonly modules: readonly { readonly name: string; readonly file: string }[];
}

/** Resolves the modules the guest must insmod, using modules.dep when present and modinfo otherwise. */
export async function resolveModules(
  modulesDir: string,
  required = REQUIRED_MODULES,
): Promise<ResolvedModules> {
  const builtinFile = join(modulesDir, "modules.builtin");
  const builtin = existsSync(builtinFile)
    ? parseModulesBuiltin(readFileSync(builtinFile, "utf8"))
    : new Set<string>();
  const files = scanModuleFiles(modulesDir);
  const depFile = join(modulesDir, "modules.dep");
  const depTable = existsSync(depFile) ? parseModulesDep(readFileSync(depFile, "utf8")) : undefined;
  const readDeps = async (name: string): Promise<string[]> => {
    const fromTable = depTable?.get(name);
    if (fromTable) return fromTable;
    const r = await exec("modinfo", ["-F", "depends", files.get(name) ?? name], { pkg: "kmod" });
    if (r.code !== 0)
      throw new VmError("build-failed", `resolve modules: modinfo ${name}: ${r.stderr.trim()}`);
    return parseDependsField(r.stdout);
  };
  const graph = await collectModules(required, builtin, new Set(files.keys()), readDeps);
  return {
    modules: loadOrder(graph, required).map((name) => ({ name, file: files.get(name) ?? name })),
  };
}
