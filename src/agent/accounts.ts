// The user and group databases, read the way explain needs them (primary gid
// and supplementary groups of a user) and the way events need them (uid to
// name). Plain files: the agent must not depend on NSS services being up.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups from the group database (the primary gid excluded). */
  readonly groups: readonly number[];
}

export interface Accounts {
  /** By name, or by a decimal uid (which need not be in the database). */
  find(user: string): Account | null;
  nameOf(uid: number): string | null;
}

function rows(text: string): string[][] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split(":"));
}

export function parseAccounts(passwd: string, group: string): Accounts {
  const users = rows(passwd).map(([name = "", , uid = "", gid = ""]) => ({
    name,
    uid: Number(uid),
    gid: Number(gid),
  }));
  const groups = rows(group).map(([, , gid = "", members = ""]) => ({
    gid: Number(gid),
    members: members.split(",").filter(Boolean),
  }));
  const full = (u: { name: string; uid: number; gid: number }): Account => ({
    ...u,
    groups: groups.filter((g) => g.gid !== u.gid && g.members.includes(u.name)).map((g) => g.gid),
  });
  return {
    find: (user) => {
      const hit = users.find((u) => u.name === user);
      if (hit) return full(hit);
      if (!/^\d+$/.test(user)) return null;
      const uid = Number(user);
      const byUid = users.find((u) => u.uid === uid);
      return byUid ? full(byUid) : { name: user, uid, gid: uid, groups: [] };
    },
    nameOf: (uid) => users.find((u) => u.uid === uid)?.name ?? null,
  };
}

export function systemAccounts(etc = "/etc"): Accounts {
  const read = (f: string) => {
    try {
      return readFileSync(join(etc, f), "utf8");
    } catch {
      return "";
    }
  };
  return parseAccounts(read("passwd"), read("group"));
}

/**
 * Accounts that read the databases again when a name or uid is not found, at
 * most once per `minIntervalMs`: a stream of events outlives the accounts it
 * started with, and a user added since would stay unnamed.
 */
export function refreshingAccounts(
  load: () => Accounts,
  minIntervalMs = 1000,
  now: () => number = Date.now,
): Accounts {
  let current = load();
  let loadedAt = now();
  const retry = <T>(ask: (a: Accounts) => T | null): T | null => {
    const hit = ask(current);
    if (hit !== null || now() - loadedAt < minIntervalMs) return hit;
    current = load();
    loadedAt = now();
    return ask(current);
  };
  return {
    find: (user) => retry((a) => a.find(user)),
    nameOf: (uid) => retry((a) => a.nameOf(uid)),
  };
}
