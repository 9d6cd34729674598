// The trusted-keys file an agent verifies against: one key per line,
// `ed25519 <key id> <base64 raw public key> [comment]`, `#` starts a comment.
// Every bad line is reported with its file and line; a file with any bad line
// is refused whole, so a typo never silently drops a key an operator relies on.
import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { keyIdOf, publicKeyFromRaw } from "./keys.js";

export type TrustedKeys = ReadonlyMap<string, KeyObject>;

export type TrustedKeysResult =
  | { readonly kind: "ok"; readonly keys: TrustedKeys }
  | { readonly kind: "error"; readonly problems: readonly string[] };

function parseLine(fields: readonly string[]): KeyObject | string {
  const [type, id, b64] = fields;
  if (type !== "ed25519") return `key type "${type ?? ""}" is not ed25519`;
  if (id === undefined || b64 === undefined) return "expected: ed25519 <key id> <base64 key>";
  const raw = Buffer.from(b64, "base64");
  if (raw.length !== 32 || raw.toString("base64") !== b64)
    return "public key is not 32 bytes of base64";
  const key = publicKeyFromRaw(raw);
  const actual = keyIdOf(key);
  if (actual !== id) return `key id ${id} does not match the key (its id is ${actual})`;
  return key;
}

export function parseTrustedKeys(text: string, file: string): TrustedKeysResult {
  const keys = new Map<string, KeyObject>();
  const problems: string[] = [];
  text.split("\n").forEach((line, i) => {
    const body = line.replace(/#.*/, "").trim();
    if (body === "") return;
    const fields = body.split(/\s+/);
    const key = parseLine(fields);
    if (typeof key === "string") problems.push(`${file}:${i + 1}: trusted key: ${key}`);
    else keys.set(fields[1] ?? "", key);
  });
  if (problems.length > 0) return { kind: "error", problems };
  if (keys.size === 0)
    return { kind: "error", problems: [`${file}: trusted keys: no key in file`] };
  return { kind: "ok", keys };
}

export function readTrustedKeys(file: string): TrustedKeysResult {
  try {
    return parseTrustedKeys(readFileSync(file, "utf8"), file);
  } catch (e) {
    const why = (e as { code?: string }).code ?? String(e);
    return { kind: "error", problems: [`${file}: trusted keys: ${why}`] };
  }
}

/** Throws with every problem: for commands and startup, where a bad file is fatal. */
export function loadTrustedKeys(file: string): TrustedKeys {
  const r = readTrustedKeys(file);
  if (r.kind === "error") throw new Error(r.problems.join("\n"));
  return r.keys;
}
