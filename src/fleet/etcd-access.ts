// How a fleet client proves itself to etcd and checks etcd: the CA for etcds://,
// a client certificate and key (mutual TLS), and optionally an etcd user. Every
// file is read and checked here, before any network access, so a wrong path, a
// broken PEM or a certificate without its key fails naming the option and file.
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseFleetUrl, type FleetUrl } from "./fleet-url.js";

/** Paths as given on the command line; undefined when the option is absent. */
export interface EtcdAccessFiles {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly authFile?: string | undefined;
}

export interface EtcdTls {
  readonly rootCertificate: Buffer;
  /** Both or neither: the client certificate and its private key. */
  readonly client: { readonly certChain: Buffer; readonly privateKey: Buffer } | null;
}

export interface EtcdAccess {
  readonly tls: EtcdTls | null;
  readonly auth: { readonly username: string; readonly password: string } | null;
}

export const ACCESS_OPTIONS = {
  ca: "--fleet-ca",
  cert: "--fleet-cert",
  key: "--fleet-key",
  authFile: "--fleet-auth-file",
} as const;

function readOption(option: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(
      `${option} ${file}: cannot read: ${(e as { code?: string }).code ?? String(e)}`,
    );
  }
}

/** Every certificate in a PEM file (a CA file may hold a chain or several roots). */
function parseCertificates(option: string, file: string, pem: Buffer): X509Certificate[] {
  const blocks = pem
    .toString("utf8")
    .match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!blocks) throw new Error(`${option} ${file}: no PEM certificate in it`);
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new Error(
        `${option} ${file}: certificate ${i + 1} does not parse: ${(e as Error).message}`,
      );
    }
  });
}

function parsePrivateKey(file: string, pem: Buffer): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new Error(
      `${ACCESS_OPTIONS.key} ${file}: not an unencrypted PEM private key: ${(e as Error).message}`,
    );
  }
}

function readClientCertificate(cert: string, key: string): EtcdTls["client"] {
  const certChain = readOption(ACCESS_OPTIONS.cert, cert);
  const privateKey = readOption(ACCESS_OPTIONS.key, key);
  const [leaf] = parseCertificates(ACCESS_OPTIONS.cert, cert, certChain);
  const keyObject = parsePrivateKey(key, privateKey);
  if (leaf && !leaf.checkPrivateKey(keyObject))
    throw new Error(
      `${ACCESS_OPTIONS.key} ${key}: is not the key of the certificate in ${ACCESS_OPTIONS.cert} ${cert}`,
    );
  return { certChain, privateKey };
}

function readTls(files: EtcdAccessFiles): EtcdTls {
  if (files.ca === undefined)
    throw new Error(
      `etcds:// needs ${ACCESS_OPTIONS.ca} <pem>: the CA that signed the etcd servers' certificates`,
    );
  if ((files.cert === undefined) !== (files.key === undefined))
    throw new Error(
      `${ACCESS_OPTIONS.cert} and ${ACCESS_OPTIONS.key} go together: the client certificate and its private key`,
    );
  const rootCertificate = readOption(ACCESS_OPTIONS.ca, files.ca);
  parseCertificates(ACCESS_OPTIONS.ca, files.ca, rootCertificate);
  const client =
    files.cert === undefined || files.key === undefined
      ? null
      : readClientCertificate(files.cert, files.key);
  return { rootCertificate, client };
}

/** One line, `user:password` (split at the first colon, as etcdctl --user is). */
export function parseAuthFile(text: string, file: string): NonNullable<EtcdAccess["auth"]> {
  const lines = text.split(/\r?\n/).filter((l) => l !== "");
  const line = lines[0];
  const colon = line?.indexOf(":") ?? -1;
  if (lines.length !== 1 || line === undefined || colon < 1 || colon === line.length - 1)
    throw new Error(`${ACCESS_OPTIONS.authFile} ${file}: expected one line user:password`);
  return { username: line.slice(0, colon), password: line.slice(colon + 1) };
}

/** Throws on bad options or files; touches no network. */
export function readEtcdAccess(url: FleetUrl, files: EtcdAccessFiles): EtcdAccess {
  if (!url.tls) {
    const given = (["ca", "cert", "key", "authFile"] as const).filter(
      (k) => files[k] !== undefined,
    );
    if (given.length > 0)
      throw new Error(
        `${given.map((k) => ACCESS_OPTIONS[k]).join(", ")}: the fleet url is plain etcd://; use etcds:// so certificates and passwords go over TLS`,
      );
    return { tls: null, auth: null };
  }
  const tls = readTls(files);
  const auth =
    files.authFile === undefined
      ? null
      : parseAuthFile(
          readOption(ACCESS_OPTIONS.authFile, files.authFile).toString("utf8"),
          files.authFile,
        );
  return { tls, auth };
}

export interface FleetConnection {
  readonly url: FleetUrl;
  readonly access: EtcdAccess;
}

/** The --fleet url and its access options, checked together; throws before any network access. */
export function readFleetConnection(url: string, files: EtcdAccessFiles): FleetConnection {
  const parsed = parseFleetUrl(url);
  return { url: parsed, access: readEtcdAccess(parsed, files) };
}
