// `proofwall sign-policy` and `proofwall sign-unseal`: signed changes for one
// agent, the only changes a sealed agent takes (`proofwall apply --signed`,
// `proofwall unseal --signed`). The envelopes are the fleet's (src/signing/)
// under subjects of their own (src/agent/local-envelope.ts), so neither can be
// replayed as a fleet bundle or as the other. Signing is offline: only the
// key file is needed.
import type { Command } from "commander";
import { readFileSync, writeFileSync } from "node:fs";
import {
  LOCAL_POLICY_SUBJECT,
  LOCAL_UNSEAL_SUBJECT,
  UNSEAL_STATEMENT,
} from "../agent/local-envelope.js";
import { parseExpiry, signBundle } from "../fleet/bundle-sign.js";
import { HOST_LABEL } from "../fleet/selector.js";
import { readSigningKey, signEnvelope, type SignedEnvelope } from "../signing/index.js";

function fail(e: unknown): never {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}

/** A version must grow with every change: each agent refuses one not newer than it saw. */
function version(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) fail(`${flag} ${text}: expected a positive integer`);
  return n;
}

function emit(e: SignedEnvelope, out: string | undefined): void {
  const text = `${JSON.stringify(e, null, 2)}\n`;
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

function readPolicy(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    return fail(`sign-policy: read ${file}: ${(e as { code?: string }).code ?? String(e)}`);
  }
}

interface PolicyOpts {
  policyVersion: string;
  key: string;
  selector: string;
  expires?: string;
  out?: string;
}

interface UnsealOpts {
  requestVersion: string;
  key: string;
  host?: string;
  allHosts?: boolean;
  expires: string;
  out?: string;
}

export function register(program: Command): void {
  program
    .command("sign-policy")
    .description(
      "sign a policy file for `proofwall apply --signed` (a sealed agent takes no other)",
    )
    .argument("<policy>", "policy YAML file")
    .requiredOption("--policy-version <n>", "greater than the last signed policy the agent applied")
    .requiredOption("--key <file>", "private key from `proofwall keygen`")
    .option("--selector <terms>", "hosts it is for, e.g. host=web1 or role=db (default: all)", "")
    .option("--expires <when>", "ISO time or duration (12h, 30d) after which agents refuse it")
    .option("-o, --out <file>", "write the envelope here instead of stdout")
    .action((file: string, o: PolicyOpts) => {
      const input = {
        policy: readPolicy(file),
        source: file,
        version: version(o.policyVersion, "--policy-version"),
        selector: o.selector,
        expiresAt: parseExpiry(o.expires),
      };
      try {
        emit(signBundle(input, readSigningKey(o.key), LOCAL_POLICY_SUBJECT), o.out);
      } catch (e) {
        fail(e);
      }
    });
  program
    .command("sign-unseal")
    .description("sign a request that lifts an agent's seal, for `proofwall unseal --signed`")
    .requiredOption("--request-version <n>", "greater than the last unseal request the agent took")
    .requiredOption("--key <file>", "private key from `proofwall keygen`")
    .option("--host <name>", "the one host it unseals")
    .option("--all-hosts", "valid on every host that trusts the key (instead of --host)")
    .option("--expires <when>", "ISO time or duration after which agents refuse it", "1h")
    .option("-o, --out <file>", "write the request here instead of stdout")
    .action((o: UnsealOpts) => {
      if ((o.host !== undefined) === (o.allHosts === true))
        fail("sign-unseal: give --host <name> or --all-hosts (one of them)");
      const fields = {
        subject: LOCAL_UNSEAL_SUBJECT,
        version: version(o.requestVersion, "--request-version"),
        selector: o.host === undefined ? "" : `${HOST_LABEL}=${o.host}`,
        expiresAt: parseExpiry(o.expires),
        policy: UNSEAL_STATEMENT,
      };
      try {
        emit(signEnvelope(fields, readSigningKey(o.key)), o.out);
      } catch (e) {
        fail(e);
      }
    });
}
