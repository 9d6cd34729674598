// ed25519 keys for signed policy: generation, the private key file (PKCS#8
// PEM) and the key id that names a public key in envelopes and trusted-keys
// files. The id is derived from the key itself, so a file cannot claim one key
// under another's name.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";

export interface SigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** The 32 raw public key bytes, as ed25519 defines them. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: "jwk" });
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string")
    throw new Error("signing: not an ed25519 public key");
  return Buffer.from(jwk.x, "base64url");
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") },
    format: "jwk",
  });
}

/** First 16 hex digits of sha256 over the raw public key. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(rawPublicKey(publicKey)).digest("hex").slice(0, 16);
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

export function privateKeyPem(key: SigningKey): string {
  return key.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

/** The line a trusted-keys file holds for this key. */
export function trustedKeyLine(publicKey: KeyObject, comment = ""): string {
  const line = `ed25519 ${keyIdOf(publicKey)} ${rawPublicKey(publicKey).toString("base64")}`;
  return comment === "" ? line : `${line} ${comment}`;
}

export function parsePrivateKey(pem: string, file: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (e) {
    throw new Error(`read signing key ${file}: not a PKCS#8 PEM private key (${String(e)})`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519")
    throw new Error(
      `read signing key ${file}: key type is ${privateKey.asymmetricKeyType ?? "unknown"}, expected ed25519`,
    );
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

export function readSigningKey(file: string): SigningKey {
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`read signing key ${file}: ${(e as { code?: string }).code ?? String(e)}`);
  }
  return parsePrivateKey(pem, file);
}
