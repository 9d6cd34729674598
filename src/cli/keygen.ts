// `proofwall keygen`: an ed25519 signing key for policy bundles. The private
// key goes to a 0600 PEM file; the public half is printed (and optionally
// written) as a trusted-keys line for agents.
import type { Command } from "commander";
import { existsSync, writeFileSync } from "node:fs";
import { generateSigningKey, privateKeyPem, trustedKeyLine } from "../signing/index.js";

interface Opts {
  out: string;
  public?: string;
  comment?: string;
  force: boolean;
}

export function register(program: Command): void {
  program
    .command("keygen")
    .description("create an ed25519 key for signing policy bundles")
    .requiredOption("-o, --out <file>", "private key file to create (PKCS#8 PEM, mode 0600)")
    .option("--public <file>", "also write the trusted-keys line for agents to this file")
    .option("--comment <text>", "comment after the key on its trusted-keys line")
    .option("--force", "overwrite an existing private key file", false)
    .action((o: Opts) => {
      if (existsSync(o.out) && !o.force) {
        console.error(`keygen: ${o.out} exists; pass --force to overwrite it`);
        process.exit(1);
      }
      const key = generateSigningKey();
      writeFileSync(o.out, privateKeyPem(key), { mode: 0o600 });
      const line = trustedKeyLine(key.publicKey, o.comment ? `# ${o.comment}` : "");
      if (o.public) writeFileSync(o.public, `${line}\n`);
      console.log(`key id: ${key.keyId}\nprivate key: ${o.out}\ntrusted-keys line:\n${line}`);
    });
}
