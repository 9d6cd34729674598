// The one place where issue codes become words. Templates name their params in
// braces; every code has exactly one severity.
import { formatPath, type Issue, type IssueCode, type Severity } from "./issue.js";

interface Entry {
  readonly severity: Severity;
  readonly template: string;
}

const TABLE: Readonly<Record<IssueCode, Entry>> = {
  "yaml-syntax": { severity: "error", template: "yaml: {message}" },
  "invalid-type": { severity: "error", template: "{field}: expected {expected}, got {received}" },
  "missing-field": { severity: "error", template: "{field}: required field is missing" },
  "unknown-field": {
    severity: "error",
    template: "unknown field {field} (expected one of: {expected})",
  },
  "invalid-value": { severity: "error", template: "{field}: expected {expected}, got {received}" },
  "invalid-format": { severity: "error", template: "{field}: expected {expected}, got {received}" },
  "out-of-range": { severity: "error", template: "{field}: {received} is out of range {range}" },
  "empty-list": { severity: "error", template: "{field}: list must not be empty" },
  "empty-subject": {
    severity: "error",
    template: "{field}: a subject needs at least one field (omit `subjects` to mean everyone)",
  },
  "exclusive-fields": {
    severity: "error",
    template: "{field}: {fields} cannot be combined in one subject; use separate rules",
  },
  "no-resource": {
    severity: "error",
    template: "{field}: a rule needs exactly one resource, one of: {expected}",
  },
  "many-resources": {
    severity: "error",
    template: "{field}: a rule targets exactly one resource class, found {found}",
  },
  "invalid-path": { severity: "error", template: "{field}: {received} is not a valid path: {why}" },
  "tree-contradiction": {
    severity: "error",
    template: "{field}: {received} ends in '/' (a tree) but says tree: false",
  },
  "invalid-cidr": {
    severity: "error",
    template: "{field}: {received} is not an IPv4/IPv6 address or CIDR: {why}",
  },
  "invalid-port": {
    severity: "error",
    template: "{field}: {received} is not a port or range 'lo-hi' within 1-65535 with lo <= hi",
  },
  "icmp-with-ports": {
    severity: "error",
    template:
      "{field}: ICMP has no port, so a rule with ports never matches icmp; give icmp a rule of its own without ports",
  },
  "unknown-capability": {
    severity: "error",
    template: "{field}: unknown capability {received} (expected a Linux name like CAP_NET_RAW)",
  },
  "duplicate-rule-id": {
    severity: "error",
    template: "{field}: rule id {id} is already used at line {firstLine}",
  },
  "cidr-host-bits": {
    severity: "warning",
    template: "{field}: {received} has host bits set; using {normalized}",
  },
  "unknown-user": { severity: "error", template: "{field}: no such user {received}" },
  "unknown-group": { severity: "error", template: "{field}: no such group {received}" },
  "unknown-service": { severity: "error", template: "{field}: no such systemd unit {received}" },
  "service-not-running": {
    severity: "warning",
    template: "{field}: unit {received} has no cgroup yet (not running); the rule stays inactive",
  },
  "cgroup-not-found": { severity: "error", template: "{field}: no such cgroup {received}" },
  "cgroup-too-deep": {
    severity: "error",
    template: "{field}: cgroup {received} is at level {depth}; the kernel sees levels 1-{max}",
  },
  "executable-not-found": {
    severity: "error",
    template: "{field}: executable {received} not found: {why}",
  },
  "file-not-found": { severity: "error", template: "{field}: {received} not found: {why}" },
  "directory-not-tree": {
    severity: "warning",
    template:
      "{field}: {received} is a directory; without a trailing '/' only the directory itself matches",
  },
  "tree-on-file": {
    severity: "warning",
    template: "{field}: {received} is not a directory; the tree holds only the file itself",
  },
  "conflicting-rules": {
    severity: "warning",
    template:
      "{field}: rule {rule} ({action}) and rule {other} ({otherAction}, line {otherLine}) cover the same subject and resource; {winner} wins",
  },
};

export function severityOf(code: IssueCode): Severity {
  return TABLE[code].severity;
}

export function isError(issue: Issue): boolean {
  return severityOf(issue.code) === "error";
}

/** The message without location: templates filled from params. */
export function messageOf(issue: Issue): string {
  return TABLE[issue.code].template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = name === "field" ? formatPath(issue.path) || "document" : issue.params[name];
    return v === undefined ? whole : String(v);
  });
}

/** `file:line:col: error code: message`, the form editors and CI annotate. */
export function renderIssue(issue: Issue, fallbackFile = "<input>"): string {
  const where = issue.span
    ? `${issue.span.file}:${issue.span.line}:${issue.span.col}`
    : `${fallbackFile}:1:1`;
  return `${where}: ${severityOf(issue.code)} ${issue.code}: ${messageOf(issue)}`;
}
