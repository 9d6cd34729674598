// Controls: flows the policy allows, run through the same detectors as the
// attacks. Each must show as a leak; if one does not, the suite could not see
// a real leak either and its zeros would mean nothing.
import type { Attempt } from "./attempt.js";
import { openPing } from "./net-rows.js";
import { KEY, PROXY, DROP_PORT, RESOLVER, attemptProgram } from "./world.js";

const send = (...args: (string | number)[]) => [attemptProgram("net-send"), ...args].join(" ");

const control = (name: string, run: Attempt["run"]): Attempt => ({ name, expect: [], run });

export const CONTROLS: readonly Attempt[] = [
  control("the vault's service reads the key", (c) => c.service(`/usr/bin/cat ${KEY}`)),
  control("the allowed binary (sha256sum) reads the key", (c) =>
    c.attacker(`/usr/bin/sha256sum ${KEY}`),
  ),
  control("TCP to the proxy arrives", (c) =>
    c.attacker(send("tcp", PROXY, DROP_PORT, c.secrets.token)),
  ),
  control("DNS to the allowed resolver arrives", (c) =>
    c.attacker(send("dns", RESOLVER, c.secrets.token)),
  ),
  control("a ping to the proxy leaves", (c) =>
    c.attacker(openPing(send("ping", PROXY, c.secrets.token))),
  ),
];
