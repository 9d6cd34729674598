// Sealing hands Proofwall to one process. User space names only the agent's
// tgid; pw_bpf fills in the start time and executable on that process's next
// bpf() call (the claim), so nothing the kernel trusts comes from user space.
import type { BpfMap } from "../kernel/index.js";
import type { FileKey } from "../abi/file-key.js";
import { decodeSeal, encodeSeal, type Seal, type SealFlagName } from "./records.js";

const SEAL_KEY = Buffer.alloc(4); // the array's only index, 0

/** Policy switches a seal may add to its own protection. */
export type SealPolicy = Exclude<SealFlagName, "active">;

export function readSeal(map: BpfMap): Seal {
  const raw = map.lookup(SEAL_KEY);
  if (raw === undefined) throw new Error("read seal: pw_seal has no entry 0");
  return decodeSeal(raw);
}

/** Seals for the calling process and returns the seal as the kernel completed it. */
export function sealAgent(map: BpfMap, pinDir: FileKey, policy: readonly SealPolicy[]): Seal {
  map.update(
    SEAL_KEY,
    encodeSeal({
      agentTgid: process.pid,
      agentStartTime: 0n,
      agentExeIno: 0n,
      agentExeDev: 0,
      pinDirIno: pinDir.ino,
      pinDirDev: pinDir.dev,
      flags: ["active", ...policy],
    }),
  );
  const seal = readSeal(map); // this lookup is the bpf() call that claims
  if (seal.agentTgid !== process.pid || seal.agentStartTime === 0n) {
    throw new Error(
      `seal: the kernel did not claim process ${process.pid} as the agent (is pw_bpf attached?)`,
    );
  }
  return seal;
}

/**
 * Sets the policy switches of the seal in force, as one update of the single
 * entry (the kernel's claim fields are written back as read); only the agent's
 * own update gets through. Returns the seal as the kernel then holds it.
 */
export function setSealSwitches(map: BpfMap, policy: readonly SealPolicy[]): Seal {
  const seal = readSeal(map);
  if (!seal.flags.includes("active")) throw new Error("seal switches: the seal is not active");
  map.update(SEAL_KEY, encodeSeal({ ...seal, flags: ["active", ...policy] }));
  return readSeal(map);
}

/** Lifts the seal; only the agent's own update gets through. */
export function unsealAgent(map: BpfMap): void {
  const seal = readSeal(map);
  map.update(SEAL_KEY, encodeSeal({ ...seal, flags: [] }));
}
