// Subjects: user and group names to ids, services and cgroup paths to cgroup
// ids, executables to device+inode. A subject that cannot be resolved is
// reported and dropped (the whole check fails, so nothing half-resolved ships).
import type { FileKey } from "../abi/file-key.js";
import type { Path } from "./issue.js";
import { MAX_CGROUP_LEVEL } from "./limits.js";
import type { Identity, Placement, Subject } from "./model.js";
import type { SubjectDoc } from "./schema-subject.js";
import { report, type CheckContext } from "./check-context.js";

type Lookup<T> = { ok: true; value: T } | { ok: false };
const found = <T>(value: T): Lookup<T> => ({ ok: true, value });
const failed: Lookup<never> = { ok: false };

function principalId(
  ctx: CheckContext,
  kind: "user" | "group",
  value: string | number,
  path: Path,
): Lookup<number> {
  if (typeof value === "number") return found(value);
  const id = kind === "user" ? ctx.resolver.user(value) : ctx.resolver.group(value);
  if (id !== null) return found(id);
  report(ctx, kind === "user" ? "unknown-user" : "unknown-group", path, { received: value });
  return failed;
}

function identityOf(ctx: CheckContext, s: SubjectDoc, path: Path): Lookup<Identity | null> {
  if (s.user !== undefined) {
    const r = principalId(ctx, "user", s.user, [...path, "user"]);
    return r.ok ? found({ kind: "user", uid: r.value }) : r;
  }
  if (s.loginUser !== undefined) {
    const r = principalId(ctx, "user", s.loginUser, [...path, "loginUser"]);
    return r.ok ? found({ kind: "login-user", uid: r.value }) : r;
  }
  if (s.group !== undefined) {
    const r = principalId(ctx, "group", s.group, [...path, "group"]);
    return r.ok ? found({ kind: "group", gid: r.value }) : r;
  }
  return found(null);
}

function cgroupAt(ctx: CheckContext, cgroupPath: string, path: Path): Lookup<Placement> {
  const r = ctx.resolver.cgroup(cgroupPath);
  if (r.kind === "missing") {
    report(ctx, "cgroup-not-found", path, { received: cgroupPath, why: r.why });
    return failed;
  }
  if (r.level > MAX_CGROUP_LEVEL) {
    report(ctx, "cgroup-too-deep", path, {
      received: cgroupPath,
      depth: r.level,
      max: MAX_CGROUP_LEVEL,
    });
    return failed;
  }
  return found({ path: cgroupPath, id: r.id, level: r.level });
}

/** The unit name systemd would use: "nginx" means "nginx.service". */
export function unitOf(name: string): string {
  return /\.(service|scope|slice|socket|mount|timer)$/.test(name) ? name : `${name}.service`;
}

function serviceAt(ctx: CheckContext, name: string, path: Path): Lookup<Placement> {
  const unit = unitOf(name);
  const s = ctx.resolver.service(unit);
  switch (s.kind) {
    case "unknown":
      report(ctx, "unknown-service", path, { received: unit });
      return failed;
    case "stopped": {
      report(ctx, "service-not-running", path, { received: unit });
      return found({ path: s.cgroup, id: null, level: s.level });
    }
    case "running":
      return cgroupAt(ctx, s.cgroup, path);
  }
}

function placementOf(ctx: CheckContext, s: SubjectDoc, path: Path): Lookup<Placement | null> {
  if (s.service !== undefined) return serviceAt(ctx, s.service, [...path, "service"]);
  if (s.cgroup !== undefined) return cgroupAt(ctx, s.cgroup, [...path, "cgroup"]);
  return found(null);
}

function exeOf(ctx: CheckContext, s: SubjectDoc, path: Path): Lookup<FileKey | null> {
  if (s.executable === undefined) return found(null);
  const r = ctx.resolver.file(s.executable);
  if (r.kind === "found") return found(r.key);
  report(ctx, "executable-not-found", [...path, "executable"], {
    received: s.executable,
    why: r.why,
  });
  return failed;
}

export function checkSubject(ctx: CheckContext, s: SubjectDoc, path: Path): Subject | null {
  const identity = identityOf(ctx, s, path);
  const placement = placementOf(ctx, s, path);
  const exe = exeOf(ctx, s, path);
  if (!identity.ok || !placement.ok || !exe.ok) return null;
  return { identity: identity.value, placement: placement.value, exe: exe.value };
}
