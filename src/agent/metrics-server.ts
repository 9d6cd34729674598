// Serves /metrics over HTTP on --metrics host:port.
import { createServer, type Server } from "node:http";

export function parseHostPort(text: string): { host: string; port: number } | null {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text);
  const port = Number(m?.[2]);
  if (!m?.[1] || !(port > 0 && port < 65536)) return null;
  return { host: m[1], port };
}

export async function listenMetrics(
  host: string,
  port: number,
  render: () => Promise<string>,
): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end("not found\n");
      return;
    }
    render().then(
      (text) =>
        res
          .writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" })
          .end(text),
      (e: unknown) => res.writeHead(500).end(`metrics: ${String(e)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) =>
    server.once("error", reject).listen(port, host, resolve),
  );
  return server;
}
