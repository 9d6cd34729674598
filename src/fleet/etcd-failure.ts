// A failed etcd call said in terms of the fleet option that fixes it. gRPC
// reports TLS trouble as UNAVAILABLE with OpenSSL's words inside the message;
// an operator needs to know which file is wrong, or that the url's scheme is.
import {
  EtcdAuthenticationFailedError,
  EtcdPermissionDeniedError,
  EtcdUserNotFoundError,
  GRPCUnavailableError,
} from "etcd3";
import { connect } from "node:tls";
import type { EtcdAccessFiles, FleetConnection } from "./etcd-access.js";

const CLIENT_CERT_REFUSED =
  /alert bad certificate|certificate required|alert unknown ca|alert number (42|48|116)\b/i;
const SERVER_CERT_UNTRUSTED =
  /unable to verify|self[- ]signed certificate|unable to get (local )?issuer|certificate verify failed|certificate has expired/i;
const SERVER_NAME_MISMATCH = /does not match certificate's altnames|ERR_TLS_CERT_ALTNAME/i;

/** The reason inside a gRPC "No connection established. Last error: ..." message. */
function grpcReason(message: string): string {
  const m =
    /Last error: (?:Error(?: \[\w+\])?: )?([\s\S]*?)\.?\s*(?:\(\d{4}-\d\d-\d\dT[^)]*\))?\.?\s*Resolution note:/.exec(
      message,
    );
  return (m?.[1] ?? message).trim();
}

/** Whether host:port completes (or starts) a TLS handshake: a TLS etcd does. */
export function speaksTls(endpoint: string, ms = 2000): Promise<boolean> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect({
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port),
      rejectUnauthorized: false,
      ALPNProtocols: ["h2"],
    });
    const done = (tls: boolean) => {
      socket.destroy();
      resolve(tls);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once("secureConnect", () => done(true));
    socket.once("error", (e: Error & { code?: string }) =>
      done(e.code?.startsWith("ERR_SSL") === true || /SSL routines/.test(e.message)),
    );
  });
}

function explainTls(message: string, files: EtcdAccessFiles): string | null {
  if (CLIENT_CERT_REFUSED.test(message))
    return files.cert === undefined
      ? "etcd demands a client certificate: give --fleet-cert and --fleet-key, signed by the CA in etcd's --trusted-ca-file"
      : `etcd refused the client certificate in --fleet-cert ${files.cert}: it must be signed by the CA in etcd's --trusted-ca-file`;
  if (SERVER_NAME_MISMATCH.test(message))
    return `the etcd server's certificate does not name the host in the fleet url (its subjectAltName): ${grpcReason(message)}`;
  if (SERVER_CERT_UNTRUSTED.test(message))
    return `the etcd server's certificate does not verify against --fleet-ca ${files.ca ?? "(none)"}: ${grpcReason(message)}`;
  return null;
}

async function explainPlain(conn: FleetConnection, message: string): Promise<string> {
  const tls = await Promise.all(conn.url.hosts.map((h) => speaksTls(h)));
  const i = tls.indexOf(true);
  if (i >= 0)
    return `${conn.url.hosts[i]?.replace(/^http:\/\//, "")} serves TLS, and the fleet url is plain etcd://: use etcds:// with --fleet-ca`;
  return `cannot reach etcd: ${grpcReason(message)}`;
}

function explainAuth(e: Error, files: EtcdAccessFiles): string | null {
  if (e instanceof EtcdAuthenticationFailedError)
    return `etcd refused the user in --fleet-auth-file ${files.authFile ?? "(none)"}: wrong user name or password`;
  if (e instanceof EtcdPermissionDeniedError || e instanceof EtcdUserNotFoundError)
    return `etcd denied access (${e.message}): ${files.authFile === undefined ? "etcd has auth enabled; give --fleet-auth-file, or map the client certificate's CN to an etcd user" : `the user in --fleet-auth-file ${files.authFile} needs read and write on the fleet prefix`}`;
  return null;
}

/** A message naming the option or file to fix; null when `e` is not an etcd connection or auth failure. */
export async function explainEtcdFailure(
  e: unknown,
  conn: FleetConnection,
  files: EtcdAccessFiles,
): Promise<string | null> {
  if (!(e instanceof Error)) return null;
  const where = `etcd ${conn.url.hosts.join(",")}`;
  if (isCircuitOpen(e)) return `${where}: still unreachable after repeated failures`;
  const auth = explainAuth(e, files);
  if (auth !== null) return `${where}: ${auth}`;
  if (!(e instanceof GRPCUnavailableError)) return null;
  const tls = conn.url.tls ? explainTls(e.message, files) : null;
  if (tls !== null) return `${where}: ${tls}`;
  return `${where}: ${conn.url.tls ? `cannot reach etcd: ${grpcReason(e.message)}` : await explainPlain(conn, e.message)}`;
}

/** The client's circuit breaker refusing calls after failures: says nothing new. */
export function isCircuitOpen(e: unknown): boolean {
  return (e as { isBrokenCircuitError?: unknown } | null)?.isBrokenCircuitError === true;
}

/** For a log line: the explanation, the error itself, or null for a circuit-breaker repeat. */
export async function describeEtcdFailure(
  e: unknown,
  conn: FleetConnection,
  files: EtcdAccessFiles,
): Promise<string | null> {
  if (isCircuitOpen(e)) return null;
  return (await explainEtcdFailure(e, conn, files).catch(() => null)) ?? String(e);
}
