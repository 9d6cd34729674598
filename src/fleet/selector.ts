// Host labels and the selector a bundle targets. Labels are `key=value` pairs
// given to the agent (`--labels role=db,env=prod`); every host also carries
// `host=<its name>`, which is how a staged rollout names its canary hosts.
// Selector terms are joined by commas and all must hold:
//   key=value        key=v1|v2 (any of)        key!=value        key!=v1|v2
// The empty selector targets every host.
export type Labels = ReadonlyMap<string, string>;

export interface SelectorTerm {
  readonly key: string;
  readonly negated: boolean;
  readonly values: readonly string[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
export const HOST_LABEL = "host";

export type ParseResult<T> =
  | { readonly kind: "ok"; readonly value: T }
  | { readonly kind: "error"; readonly problems: readonly string[] };

function parseTerm(raw: string, where: string): SelectorTerm | string {
  const m = /^([^=!]+)(!?=)(.+)$/.exec(raw.trim());
  if (!m) return `${where}: term "${raw}": expected key=value or key!=value`;
  const [, key = "", op, rhs = ""] = m;
  const values = rhs.split("|");
  const bad = [key, ...values].find((v) => !NAME.test(v));
  if (bad !== undefined) return `${where}: term "${raw}": "${bad}" is not a label name or value`;
  return { key, negated: op === "!=", values };
}

export function parseSelector(text: string, where = "selector"): ParseResult<SelectorTerm[]> {
  if (text.trim() === "") return { kind: "ok", value: [] };
  const terms = text.split(",").map((t) => parseTerm(t, where));
  const problems = terms.filter((t): t is string => typeof t === "string");
  if (problems.length > 0) return { kind: "error", problems };
  return { kind: "ok", value: terms as SelectorTerm[] };
}

export function parseLabels(text: string, where = "labels"): ParseResult<Map<string, string>> {
  const labels = new Map<string, string>();
  const problems: string[] = [];
  for (const raw of text.split(",").filter((t) => t.trim() !== "")) {
    const [key = "", value, ...rest] = raw.trim().split("=");
    if (value === undefined || rest.length > 0 || !NAME.test(key) || !NAME.test(value))
      problems.push(`${where}: "${raw}": expected key=value`);
    else if (key === HOST_LABEL)
      problems.push(`${where}: "${raw}": "host" is set from the host name`);
    else labels.set(key, value);
  }
  return problems.length > 0 ? { kind: "error", problems } : { kind: "ok", value: labels };
}

/** The labels a host is matched with: its own plus host=<name>. */
export function hostLabels(host: string, labels: Labels): Labels {
  return new Map([...labels, [HOST_LABEL, host]]);
}

export function matches(terms: readonly SelectorTerm[], labels: Labels): boolean {
  return terms.every((t) => {
    const v = labels.get(t.key);
    const hit = v !== undefined && t.values.includes(v);
    return t.negated ? !hit : hit;
  });
}

/** True when `selector` parses and targets a host with these labels. */
export function selects(selector: string, labels: Labels): boolean {
  const p = parseSelector(selector);
  return p.kind === "ok" && matches(p.value, labels);
}

/** `selector` narrowed to the named hosts. */
export function narrowToHosts(selector: string, hosts: readonly string[]): string {
  const term = `${HOST_LABEL}=${hosts.join("|")}`;
  return selector.trim() === "" ? term : `${selector},${term}`;
}

export function formatLabels(labels: Labels): string {
  return [...labels].map(([k, v]) => `${k}=${v}`).join(",");
}
