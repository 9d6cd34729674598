// The red-team suite's world: where the secrets, the attacker's scratch space
// and the network endpoints are. The policy in test-data/redteam-policy.yaml
// names the same paths and addresses; the stage creates them.
import { join } from "node:path";
import { repoRoot } from "../paths.js";

/** On the guest's tmpfs /run: writable, and one filesystem for renames and links. */
export const BASE = "/run/pw-redteam";
export const VAULT = `${BASE}/vault`;
/** Covered by the tree rule and by an exact-file rule. */
export const KEY = `${VAULT}/key`;
/** Covered by the tree rule only, two directories down. */
export const RECORDS = `${VAULT}/records/customers.csv`;
/** A hard link to the key made before the policy, outside the vault. */
export const OLD_LINK = `${BASE}/old-link`;
/** A bind mount of the vault made before the policy. */
export const OLD_BIND = `${BASE}/bind`;
export const LOOP_IMAGE = `${BASE}/fs.img`;
export const FD_SOCKET = `${BASE}/fd.sock`;
export const LOOT_ROOT = `${BASE}/loot`;
/**
 * A copy of the anon-exec attempt program at a path the policy can name: node
 * (a JIT) runs in the attackers' cgroups too, so the rule on anonymous
 * executable memory is scoped to this executable.
 */
export const INJECTOR = `${BASE}/tools/anon-exec`;

export const CGROUP_ROOT = "/sys/fs/cgroup";
/** The vault's service: allowed to read it. */
export const VAULT_CGROUP = `${CGROUP_ROOT}/pw-redteam-vault`;
/** Each attempt runs in a fresh cgroup below this one, so its events are its own. */
export const ATTACKER_CGROUPS = `${CGROUP_ROOT}/pw-redteam-attacker`;

export const PIN_ROOT = "/sys/fs/bpf/pw-redteam";

/** The one allowed egress destination, and the allowed DNS resolver. */
export const PROXY = "192.0.2.10";
export const RESOLVER = "192.0.2.53";
/** Where the attacker sends: addresses on lo with listeners, so a leak is seen. */
export const DROP = "198.51.100.7";
export const ROGUE_RESOLVER = "198.51.100.53";
export const DROP_PORT = 8443;
export const LO_ADDRESSES = [PROXY, RESOLVER, DROP, ROGUE_RESOLVER];
/** An IPv6 destination on lo, for the ICMPv6 echo. */
export const DROP6 = "2001:db8::7";

export const POLICY_FILE = join(repoRoot, "src", "redteam", "test-data", "redteam-policy.yaml");

/** An attempt program built by `make -C redteam`. */
export function attemptProgram(name: string): string {
  return join(repoRoot, "build", "redteam", name);
}

/** What the attacker is after, generated per run. */
export interface Secrets {
  /** Appears in every secret file; seeing it anywhere outside is a leak. */
  readonly token: string;
  /** sha256 of the key and of the records, as sha256sum prints them. */
  readonly digests: readonly string[];
  /** "dev:ino" of every secret file: a link to one is the secret. */
  readonly inodes: readonly string[];
}
