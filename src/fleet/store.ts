// The fleet's etcd keys (src/fleet/layout.ts) read and written through the
// etcd3 client. Records are validated on the way in; a record that fails is
// reported by its key, never trusted.
import type { Etcd3 } from "etcd3";
import type { SignedEnvelope } from "../signing/index.js";
import * as layout from "./layout.js";
import {
  hostRecordSchema,
  hostStatusSchema,
  rolloutSchema,
  type HostRecord,
  type HostStatus,
  type Rollout,
} from "./model.js";

function parseJson<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  text: string,
): T | null {
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export class FleetStore {
  readonly client: Etcd3;
  readonly prefix: string;

  constructor(client: Etcd3, prefix: string) {
    this.client = client;
    this.prefix = prefix;
  }

  /** Raw bundle texts by the version their key names. */
  async bundles(): Promise<Map<number, string>> {
    const all = await this.client.getAll().prefix(layout.bundlesDir(this.prefix)).strings();
    const out = new Map<number, string>();
    for (const [key, text] of Object.entries(all)) {
      const v = layout.versionOfKey(this.prefix, key);
      if (v !== null) out.set(v, text);
    }
    return out;
  }

  async bundle(version: number): Promise<string | null> {
    return this.client.get(layout.bundleKey(this.prefix, version)).string();
  }

  /** The highest version any bundle key names; 0 when there is none. */
  async maxVersion(): Promise<number> {
    const keys = await this.client
      .getAll()
      .prefix(layout.bundlesDir(this.prefix))
      .sort("Key", "Descend")
      .limit(1)
      .keys();
    return keys[0] === undefined ? 0 : (layout.versionOfKey(this.prefix, keys[0]) ?? 0);
  }

  /** Writes a bundle under its version; refuses a version that exists or is not newest. */
  async publish(bundle: SignedEnvelope): Promise<void> {
    const max = await this.maxVersion();
    if (bundle.version <= max)
      throw new Error(`publish: version ${bundle.version} is not newer than ${max} in etcd`);
    await this.putRaw(bundle.version, JSON.stringify(bundle));
  }

  /** Create-only write of a bundle key; tests use it to plant hostile bundles. */
  async putRaw(version: number, text: string): Promise<void> {
    const key = layout.bundleKey(this.prefix, version);
    const r = await this.client
      .if(key, "Create", "==", 0)
      .then(this.client.put(key).value(text))
      .commit();
    if (!r.succeeded) throw new Error(`publish: bundle ${version} already exists in etcd`);
  }

  async rollout(): Promise<Rollout | null> {
    const text = await this.client.get(layout.rolloutKey(this.prefix)).string();
    if (text === null) return null;
    const r = parseJson(rolloutSchema, text);
    if (r === null) throw new Error(`read ${layout.rolloutKey(this.prefix)}: not a rollout record`);
    return r;
  }

  async setRollout(r: Rollout): Promise<void> {
    await this.client.put(layout.rolloutKey(this.prefix)).value(JSON.stringify(r));
  }

  /** Live hosts' reports; `invalid` lists keys whose record did not validate. */
  async statuses(): Promise<{ hosts: HostStatus[]; invalid: string[] }> {
    const all = await this.client.getAll().prefix(layout.statusDir(this.prefix)).strings();
    const hosts: HostStatus[] = [];
    const invalid: string[] = [];
    for (const [key, text] of Object.entries(all)) {
      const s = parseJson(hostStatusSchema, text);
      if (s === null) invalid.push(key);
      else hosts.push(s);
    }
    return { hosts: hosts.sort((a, b) => a.host.localeCompare(b.host)), invalid };
  }

  async knownHosts(): Promise<HostRecord[]> {
    const all = await this.client.getAll().prefix(layout.hostsDir(this.prefix)).strings();
    return Object.values(all)
      .map((t) => parseJson(hostRecordSchema, t))
      .filter((h): h is HostRecord => h !== null)
      .sort((a, b) => a.host.localeCompare(b.host));
  }

  close(): void {
    this.client.close();
  }
}
