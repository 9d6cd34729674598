import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, connect, type Socket } from "node:net";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peerCred } from "./peer-cred.js";
import { KernelError } from "./errors.js";

function fdOf(socket: Socket): number {
  return (socket as unknown as { _handle: { fd: number } })._handle.fd;
}

test("peerCred reports the connecting process's pid, uid and gid", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pw-peercred-"));
  const path = join(dir, "s.sock");
  const seen = new Promise<ReturnType<typeof peerCred>>((resolve) => {
    const server = createServer((s) => {
      resolve(peerCred(fdOf(s)));
      s.destroy();
      server.close();
    }).listen(path);
  });
  const client = connect(path);
  try {
    const cred = await seen;
    assert.equal(cred.pid, process.pid);
    assert.equal(cred.uid, process.getuid?.());
    assert.equal(cred.gid, process.getgid?.());
  } finally {
    client.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("peerCred on a descriptor that is not a socket is a KernelError ENOTSOCK", () => {
  const fd = openSync("/dev/null", "r");
  try {
    assert.throws(
      () => peerCred(fd),
      (e: unknown) => e instanceof KernelError && e.code === "ENOTSOCK",
    );
  } finally {
    closeSync(fd);
  }
});
