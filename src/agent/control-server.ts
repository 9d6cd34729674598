// The control socket: a unix stream socket (mode 0600) speaking one JSON
// object per line each way. Only root, or the agent's own user when it runs
// unprivileged without a kernel, may talk to it: the kernel's record of the
// peer (SO_PEERCRED) decides, not anything the client says.
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { dirname } from "node:path";
import type { Logger } from "pino";
import { peerCred, type PeerCred } from "../kernel/peer-cred.js";
import { handle, type HandlerContext } from "./control-handlers.js";
import { encodeLine, requestSchema } from "./wire.js";

const MAX_BACKLOG = 4 * 1024 * 1024;

export type PeerVerdict =
  { readonly kind: "allowed" } | { readonly kind: "refused"; readonly reason: string };

export function judgePeer(cred: PeerCred, agentUid: number): PeerVerdict {
  if (cred.uid === 0 || cred.uid === agentUid) return { kind: "allowed" };
  return { kind: "refused", reason: `control: permission denied: uid ${cred.uid} is not root` };
}

function fdOf(socket: Socket): number {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== "number" || fd < 0)
    throw new Error("control: accepted socket has no descriptor");
  return fd;
}

function serve(ctx: HandlerContext, log: Logger, socket: Socket): void {
  const send = (v: unknown) => {
    if (socket.destroyed) return;
    // A follower that stops reading must not grow the agent's memory.
    if (socket.writableLength > MAX_BACKLOG) {
      log.warn(
        { backlog: socket.writableLength },
        "control: dropping a client that stopped reading",
      );
      return void socket.destroy();
    }
    socket.write(encodeLine(v));
  };
  const cred = peerCred(fdOf(socket));
  const verdict = judgePeer(cred, process.geteuid?.() ?? 0);
  if (verdict.kind === "refused") {
    log.warn({ peer: cred }, "control: refused a non-root client");
    socket.end(encodeLine({ ok: false, error: verdict.reason }));
    return;
  }
  const closers: (() => void)[] = [];
  socket.on("close", () => closers.forEach((f) => f()));
  socket.on("error", () => socket.destroy());
  let buffered = "";
  socket.on("data", (chunk) => {
    buffered += chunk.toString("utf8");
    for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      void dispatch(ctx, log, line, { send, onClose: (f) => closers.push(f) });
    }
  });
}

async function dispatch(
  ctx: HandlerContext,
  log: Logger,
  line: string,
  reply: Parameters<typeof handle>[2],
): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return reply.send({ ok: false, error: "control: request is not JSON" });
  }
  const req = requestSchema.safeParse(json);
  if (!req.success)
    return reply.send({
      ok: false,
      error: `control: bad request: ${req.error.issues[0]?.message ?? ""}`,
    });
  try {
    await handle(ctx, req.data, reply);
  } catch (e) {
    log.error({ err: e, op: req.data.op }, "control: request failed");
    reply.send({
      ok: false,
      error: `control: ${req.data.op}: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
}

export interface ControlServer {
  /** Stops listening and drops every client, followers included. */
  close(): Promise<void>;
}

export async function listenControl(
  path: string,
  ctx: HandlerContext,
  log: Logger,
): Promise<ControlServer> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  rmSync(path, { force: true });
  const clients = new Set<Socket>();
  const server: Server = createServer((s) => {
    clients.add(s);
    s.on("close", () => clients.delete(s));
    try {
      serve(ctx, log, s);
    } catch (e) {
      log.error({ err: e }, "control: connection failed");
      s.destroy();
    }
  });
  // The umask closes the window between bind() and chmod() in which the socket
  // would carry the default mode.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) =>
      server.once("error", reject).listen(path, resolve),
    );
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of clients) c.destroy();
      }),
  };
}
