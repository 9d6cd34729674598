// Where the agent's policy comes from: one YAML file, or a directory whose
// `*.yaml` and `*.yml` files (not recursive, hidden files ignored) are merged in
// file-name order. The hash identifies exactly what was read: for one file it
// is sha256 of its bytes (so `sha256sum policy.yaml` matches `proofwall
// status`); for a directory, sha256 over each file's name and hash.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";

export interface PolicyText {
  /** The path as given or joined: issues name it. */
  readonly file: string;
  readonly text: string;
}

export type ReadResult =
  | { readonly kind: "ok"; readonly texts: readonly PolicyText[] }
  | { readonly kind: "error"; readonly reason: string };

export function isPolicyFileName(name: string): boolean {
  return !name.startsWith(".") && /\.ya?ml$/.test(name);
}

function why(e: unknown): string {
  return (e as { code?: string }).code ?? String(e);
}

export function readPolicyPath(path: string): ReadResult {
  try {
    if (!statSync(path).isDirectory())
      return { kind: "ok", texts: [{ file: path, text: readFileSync(path, "utf8") }] };
    const names = readdirSync(path).filter(isPolicyFileName).sort();
    if (names.length === 0)
      return { kind: "error", reason: `read policy ${path}: no *.yaml files in the directory` };
    const texts = names.map((n) => ({
      file: join(path, n),
      text: readFileSync(join(path, n), "utf8"),
    }));
    return { kind: "ok", texts };
  } catch (e) {
    return { kind: "error", reason: `read policy ${path}: ${why(e)}` };
  }
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

export function policyHash(texts: readonly PolicyText[]): string {
  const only = texts.length === 1 ? texts[0] : undefined;
  if (only) return sha256(only.text);
  return sha256(texts.map((t) => `${basename(t.file)}\0${sha256(t.text)}\n`).join(""));
}
