// How refused etcd connections are explained, on the messages gRPC really
// gives (copied from runs against etcd 3.4 with TLS); fleet-tls.test.ts checks
// the same against a live etcd.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EtcdAuthenticationFailedError, GRPCUnavailableError } from "etcd3";
import type { FleetConnection } from "./etcd-access.js";
import { describeEtcdFailure, explainEtcdFailure } from "./etcd-failure.js";

const conn: FleetConnection = {
  url: { hosts: ["https://10.0.0.11:2379"], prefix: "/p", tls: true },
  access: { tls: null, auth: null },
};
const files = { ca: "ca.pem", cert: "host.pem", key: "host-key.pem" };
const unavailable = (lastError: string) =>
  new GRPCUnavailableError(
    `14 UNAVAILABLE: No connection established. Last error: ${lastError} (2026-11-27T12:46:02.658Z). Resolution note: `,
  );
const NO_CERT =
  "805C84C5047F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 42\n";

test("a refused or missing client certificate names --fleet-cert", async () => {
  const none = await explainEtcdFailure(unavailable(NO_CERT), conn, { ca: "ca.pem" });
  assert.equal(
    none,
    "etcd https://10.0.0.11:2379: etcd demands a client certificate: give --fleet-cert and --fleet-key, signed by the CA in etcd's --trusted-ca-file",
  );
  const refused = await explainEtcdFailure(unavailable(NO_CERT), conn, files);
  assert.match(String(refused), /etcd refused the client certificate in --fleet-cert host\.pem/);
});

test("a server certificate from another CA names --fleet-ca; a name mismatch says so", async () => {
  const ca = await explainEtcdFailure(
    unavailable("Error: unable to verify the first certificate"),
    conn,
    files,
  );
  assert.equal(
    ca,
    "etcd https://10.0.0.11:2379: the etcd server's certificate does not verify against --fleet-ca ca.pem: unable to verify the first certificate",
  );
  const name = await explainEtcdFailure(
    unavailable(
      "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: IP: 10.0.0.11 is not in the cert's list: ",
    ),
    conn,
    files,
  );
  assert.match(String(name), /does not name the host in the fleet url .*IP: 10\.0\.0\.11 is not/);
});

test("auth, unreachable, circuit breaker, and errors that are not etcd's", async () => {
  const auth = await explainEtcdFailure(
    new EtcdAuthenticationFailedError(
      "etcdserver: authentication failed, invalid user ID or password",
    ),
    conn,
    { ...files, authFile: "etcd-user" },
  );
  assert.match(String(auth), /etcd refused the user in --fleet-auth-file etcd-user/);
  const down = await explainEtcdFailure(
    unavailable("connect ECONNREFUSED 10.0.0.11:2379"),
    conn,
    files,
  );
  assert.equal(
    down,
    "etcd https://10.0.0.11:2379: cannot reach etcd: connect ECONNREFUSED 10.0.0.11:2379",
  );
  const breaker = Object.assign(
    new Error("Execution prevented because the circuit breaker is open"),
    {
      isBrokenCircuitError: true,
    },
  );
  assert.equal(await describeEtcdFailure(breaker, conn, files), null, "a repeat, not logged");
  const other = new Error("publish: version 3 is not newer than 4 in etcd");
  assert.equal(await explainEtcdFailure(other, conn, files), null);
  assert.equal(await describeEtcdFailure(other, conn, files), String(other));
});
