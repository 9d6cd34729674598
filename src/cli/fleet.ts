// `proofwall fleet sign|publish|status|promote|rollback`: the operator's side
// of the fleet (src/fleet/). Bundles are signed here with the operator's key;
// agents verify them against their trusted keys.
import type { Command } from "commander";
import { readFileSync, writeFileSync } from "node:fs";
import {
  loadTrustedKeys,
  parseEnvelope,
  readSigningKey,
  verifyEnvelope,
  type SignedEnvelope,
} from "../signing/index.js";
import { parseExpiry, signBundle } from "../fleet/bundle-sign.js";
import { fleetView, renderFleetView } from "../fleet/fleet-status.js";
import { readFleetConnection } from "../fleet/etcd-access.js";
import { BUNDLE_SUBJECT } from "../fleet/model.js";
import { promote, publishSigned, rollback, startRollout } from "../fleet/rollout.js";
import type { FleetStore } from "../fleet/store.js";
import {
  FLEET_URL_HELP,
  accessFiles,
  addFleetAccessOptions,
  type FleetAccessOpts,
} from "./fleet-options.js";

const EXIT_WAITING = 3;

function fail(e: unknown): never {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    return fail(`read ${what} ${file}: ${(e as { code?: string }).code ?? String(e)}`);
  }
}

interface EtcdOpts extends FleetAccessOpts {
  fleet: string;
}

/** Runs `job` against the fleet's etcd; a connection or auth failure names the option to fix. */
async function withStore<T>(o: EtcdOpts, job: (s: FleetStore) => Promise<T>): Promise<T> {
  const files = accessFiles(o);
  const conn = readFleetConnection(o.fleet, files);
  // Loaded here: the etcd client (gRPC) is heavy, and only fleet commands need it.
  const { connectEtcd } = await import("../fleet/etcd-client.js");
  const { FleetStore } = await import("../fleet/store.js");
  const { explainEtcdFailure } = await import("../fleet/etcd-failure.js");
  const store = new FleetStore(connectEtcd(conn.url, conn.access), conn.url.prefix);
  try {
    return await job(store);
  } catch (e) {
    const why = await explainEtcdFailure(e, conn, files);
    throw why === null ? e : new Error(why, { cause: e });
  } finally {
    store.close();
  }
}

function readBundle(file: string, trustedKeys: string | undefined): SignedEnvelope {
  const parsed = parseEnvelope(readText(file, "bundle"), file);
  if (parsed.kind === "malformed") fail(parsed.problems.join("\n"));
  if (trustedKeys === undefined) return parsed.envelope;
  const trusted = loadTrustedKeys(trustedKeys);
  const v = verifyEnvelope(parsed.envelope, { subject: BUNDLE_SUBJECT, trusted, now: new Date() });
  if (v.kind === "refused") fail(`${file}: ${v.message}`);
  return parsed.envelope;
}

/** --fleet and how to reach its etcd (TLS files, etcd user). */
function etcdCommand(fleet: Command, name: string): Command {
  return addFleetAccessOptions(fleet.command(name).requiredOption("--fleet <url>", FLEET_URL_HELP));
}

function registerSign(fleet: Command): void {
  fleet
    .command("sign")
    .description("sign a policy as a bundle for agents (offline)")
    .requiredOption("--policy <file>", "policy YAML")
    // Not --version: the root command owns that flag.
    .requiredOption("--bundle-version <n>", "bundle version: greater than any published")
    .requiredOption("--key <file>", "private key from `proofwall keygen`")
    .option("--selector <terms>", "hosts it targets, e.g. role=db,env=prod (default: all)", "")
    .option("--expires <when>", "ISO time or duration (12h, 30d) after which agents refuse it")
    .option("-o, --out <file>", "write the bundle here instead of stdout")
    .action(
      (o: {
        policy: string;
        bundleVersion: string;
        key: string;
        selector: string;
        expires?: string;
        out?: string;
      }) => {
        try {
          const input = {
            policy: readText(o.policy, "policy"),
            source: o.policy,
            version: Number(o.bundleVersion),
            selector: o.selector,
            expiresAt: parseExpiry(o.expires),
          };
          const text = `${JSON.stringify(signBundle(input, readSigningKey(o.key)), null, 2)}\n`;
          if (o.out) writeFileSync(o.out, text);
          else process.stdout.write(text);
        } catch (e) {
          fail(e);
        }
      },
    );
}

interface PublishOpts extends EtcdOpts {
  policy?: string;
  key?: string;
  selector: string;
  expires?: string;
  percent: string;
  auditFirst: boolean;
  trustedKeys?: string;
}

async function publishAction(bundleFile: string | undefined, o: PublishOpts): Promise<void> {
  if ((bundleFile === undefined) === (o.policy === undefined))
    fail("publish: give a signed bundle file, or --policy with --key (not both)");
  if (bundleFile !== undefined) {
    const bundle = readBundle(bundleFile, o.trustedKeys);
    await withStore(o, (s) => publishSigned(s, bundle));
    return console.log(`published v${bundle.version} to every host matching "${bundle.selector}"`);
  }
  if (o.key === undefined) fail("publish: --policy needs --key to sign with");
  const percent = Number(o.percent);
  if (!(percent > 0 && percent <= 100)) fail(`publish: --percent ${o.percent}: expected 1..100`);
  const input = {
    policy: readText(o.policy ?? "", "policy"),
    source: o.policy ?? "",
    selector: o.selector,
    expiresAt: parseExpiry(o.expires),
    percent,
    auditFirst: o.auditFirst,
  };
  const key = readSigningKey(o.key);
  const r = await withStore(o, (s) => startRollout(s, input, key));
  console.log(`published v${r.version}: ${r.note}`);
  if (r.waitFor.length > 0) console.log(`promote when healthy: ${r.waitFor.join(", ")}`);
}

function registerPublish(fleet: Command): void {
  etcdCommand(fleet, "publish [bundle]")
    .description("publish a signed bundle, or sign and publish --policy (optionally staged)")
    .option("--policy <file>", "sign this policy as the next version and publish it")
    .option("--key <file>", "private key to sign --policy with")
    .option("--selector <terms>", "hosts --policy targets (default: all)", "")
    .option("--expires <when>", "ISO time or duration (12h, 30d)")
    .option("--percent <n>", "stage: this share of the targeted live hosts first", "100")
    .option("--audit-first", "stage: audit mode first, enforce on promote", false)
    .option("--trusted-keys <file>", "check a bundle file against these keys before publishing")
    .action((bundle: string | undefined, o: PublishOpts) => publishAction(bundle, o).catch(fail));
}

function registerStatus(fleet: Command): void {
  etcdCommand(fleet, "status")
    .description("every host: applied version, health, heartbeat, errors; the rollout")
    .option("--json", "print the raw view", false)
    .option("--programs", "list each host's loaded-program hashes (attestation)", false)
    .action(async (o: EtcdOpts & { json: boolean; programs: boolean }) => {
      const view = await withStore(o, fleetView).catch(fail);
      console.log(o.json ? JSON.stringify(view, null, 2) : renderFleetView(view, o.programs));
    });
}

function registerPromote(fleet: Command): void {
  etcdCommand(fleet, "promote")
    .description("promote a staged rollout to all its hosts once the staged hosts are healthy")
    .requiredOption("--key <file>", "private key to sign the promoted bundle")
    .requiredOption("--trusted-keys <file>", "keys the rollout plan must be signed with")
    .option("--force", "promote even if staged hosts are not healthy", false)
    .action(async (o: EtcdOpts & { key: string; trustedKeys: string; force: boolean }) => {
      const key = readSigningKey(o.key);
      const trusted = loadTrustedKeys(o.trustedKeys);
      const r = await withStore(o, (s) => promote(s, key, trusted, o.force)).catch(fail);
      if (r.kind === "waiting") {
        console.error(`promote: not yet healthy:\n  ${r.reasons.join("\n  ")}`);
        process.exit(EXIT_WAITING);
      }
      console.log(`promoted: ${r.rollout.note}`);
    });
}

function registerRollback(fleet: Command): void {
  etcdCommand(fleet, "rollback")
    .description("go back to an earlier bundle's policy, re-signed as a new, higher version")
    .requiredOption("--to <version>", "the bundle whose policy to restore")
    .requiredOption("--key <file>", "private key to sign the new version")
    .requiredOption("--trusted-keys <file>", "keys the old bundle must be signed with")
    .option("--selector <terms>", "target these hosts instead of the old bundle's selector")
    .option("--expires <when>", "ISO time or duration (12h, 30d)")
    .action(
      async (
        o: EtcdOpts & {
          to: string;
          key: string;
          trustedKeys: string;
          selector?: string;
          expires?: string;
        },
      ) => {
        const key = readSigningKey(o.key);
        const trusted = loadTrustedKeys(o.trustedKeys);
        const options = {
          expiresAt: parseExpiry(o.expires),
          ...(o.selector === undefined ? {} : { selector: o.selector }),
        };
        const b = await withStore(o, (s) => rollback(s, Number(o.to), key, trusted, options)).catch(
          fail,
        );
        console.log(`rolled back: the policy of v${o.to} is published as v${b.version}`);
      },
    );
}

export function register(program: Command): void {
  const fleet = program
    .command("fleet")
    .description("signed policy bundles for many hosts, through etcd");
  registerSign(fleet);
  registerPublish(fleet);
  registerStatus(fleet);
  registerPromote(fleet);
  registerRollback(fleet);
}
