// Test support: a throwaway PKI made with the openssl command, for etcd with
// TLS and client-certificate auth. One CA signs the etcd server's certificate
// (for 127.0.0.1) and a client certificate; a second, unrelated CA stands for
// a client that trusts the wrong root. EC P-256 keys: quick to make.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestPki {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly otherCa: string;
}

function openssl(args: readonly string[]): void {
  const r = spawnSync("openssl", args, { encoding: "utf8" });
  if (r.error) throw new Error(`openssl: ${r.error.message} (is the openssl package installed?)`);
  if (r.status !== 0) throw new Error(`openssl ${args[0] ?? ""} failed:\n${r.stderr}`);
}

const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}-key.pem`);
  const req = ["req", "-x509", ...NEW_KEY, "-keyout", key, "-out", cert];
  openssl([...req, "-days", "2", "-subj", `/CN=${name}`]);
  return { cert, key };
}

/** A leaf certificate signed by `ca`, with the given extensions (SAN, key usage). */
function makeLeaf(dir: string, name: string, ca: { cert: string; key: string }, ext: string) {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}-key.pem`);
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, ext);
  openssl(["req", "-new", ...NEW_KEY, "-keyout", key, "-out", csr, "-subj", `/CN=${name}`]);
  const sign = ["x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial"];
  openssl([...sign, "-days", "2", "-extfile", extFile, "-out", cert]);
  return { cert, key };
}

export function makeTestPki(dir: string): TestPki {
  const ca = makeCa(dir, "fleet-ca");
  const server = makeLeaf(
    dir,
    "etcd-server",
    ca,
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
  );
  const client = makeLeaf(dir, "pw-agent", ca, "extendedKeyUsage=clientAuth\n");
  const other = makeCa(dir, "other-ca");
  return {
    ca: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
    otherCa: other.cert,
  };
}
