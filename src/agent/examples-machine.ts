// Test support for the examples' VM suite: turns the test VM into the machine
// examples/policies/ is written for, with the names of EXAMPLES_WORLD
// (src/policy/test-support.ts) made real. The VM's root is a throwaway
// overlay, so users, files and cgroups are created in place.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { createCgroup } from "../identity/cgroup.js";

export interface ExampleMachine {
  readonly alice: number;
  readonly developers: number;
  readonly docker: number;
  /** alice's private key and the first two fields of its public half. */
  readonly key: string;
  readonly publicKey: string;
  readonly credentials: string;
  readonly app: string;
  readonly appWorker: string;
  readonly nginx: string;
  readonly batch: string;
}

const HOME = "/home/alice";

function run(file: string, args: readonly string[]): string {
  return execFileSync(file, args, { encoding: "utf8" }).trim();
}

function uidOf(name: string): number {
  return Number(run("/usr/bin/id", ["-u", name]));
}

function groupId(name: string): number {
  const line = readFileSync("/etc/group", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`example machine: group ${name} was not created`);
  return Number(line.split(":")[2]);
}

function addUsers(): void {
  for (const g of ["developers", "docker"]) run("/usr/sbin/groupadd", ["-f", g]);
  run("/usr/sbin/useradd", ["-m", "-s", "/bin/sh", "-G", "developers", "alice"]);
}

/** alice's key made by ssh-keygen, and AWS's documented example credentials. */
function addSecrets(): { key: string; publicKey: string; credentials: string } {
  const ssh = join(HOME, ".ssh");
  mkdirSync(ssh, { mode: 0o700 });
  const key = join(ssh, "id_ed25519");
  run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", key]);
  const aws = join(HOME, ".aws");
  mkdirSync(aws, { mode: 0o700 });
  const credentials = join(aws, "credentials");
  writeFileSync(
    credentials,
    "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" +
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    { mode: 0o600 },
  );
  run("/usr/bin/chown", ["-R", "alice:alice", ssh, aws]);
  const publicKey = readFileSync(`${key}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
  return { key, publicKey, credentials };
}

/** A stand-in for the AWS CLI where its installer puts it: a program that prints a file. */
function addAwsCli(): void {
  mkdirSync("/usr/local/bin", { recursive: true });
  copyFileSync("/usr/bin/cat", "/usr/local/bin/aws");
  chmodSync("/usr/local/bin/aws", 0o755);
}

function addAddresses(addresses: readonly string[]): void {
  for (const a of addresses) run("/usr/sbin/ip", ["addr", "add", `${a}/32`, "dev", "lo"]);
}

/** Builds the machine once per VM: `addresses` go on the loopback device. */
export function setUpExampleMachine(addresses: readonly string[]): ExampleMachine {
  if (existsSync(HOME)) throw new Error(`example machine: ${HOME} exists already`);
  addUsers();
  const secrets = addSecrets();
  addAwsCli();
  addAddresses(addresses);
  // Where systemd would put the units; the resolver finds them there without systemd.
  const app = createCgroup("system.slice/app.service");
  return {
    alice: uidOf("alice"),
    developers: groupId("developers"),
    docker: groupId("docker"),
    ...secrets,
    app,
    appWorker: createCgroup("system.slice/app.service/worker"),
    nginx: createCgroup("system.slice/nginx.service"),
    batch: createCgroup("batch"),
  };
}
