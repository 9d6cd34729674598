// Listeners at the destinations the attacker is not allowed to reach (and at
// the allowed ones, for the controls): whatever arrives there left the
// sender, so a secret seen here leaked, whatever the sender claimed.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import { DROP, DROP_PORT, PROXY, RESOLVER, ROGUE_RESOLVER } from "./world.js";

const DNS_PORT = 53;

export class Listeners {
  #received: string[] = [];
  readonly #tcp: Server[] = [];
  readonly #udp: UdpSocket[] = [];
  readonly #open = new Set<Socket>();

  static async start(): Promise<Listeners> {
    const l = new Listeners();
    for (const addr of [DROP, PROXY]) await l.#listenTcp(addr, DROP_PORT);
    await l.#listenUdp(DROP, DROP_PORT);
    for (const addr of [RESOLVER, ROGUE_RESOLVER]) await l.#listenUdp(addr, DNS_PORT);
    return l;
  }

  /** Everything received since the last reset, as latin1 text. */
  received(): string {
    return this.#received.join("\n");
  }

  reset(): void {
    this.#received = [];
  }

  async close(): Promise<void> {
    for (const s of this.#udp) s.close();
    for (const s of this.#open) s.destroy();
    await Promise.all(this.#tcp.map((s) => new Promise((r) => s.close(r))));
  }

  #listenTcp(addr: string, port: number): Promise<void> {
    const server = createServer((sock) => {
      this.#open.add(sock);
      sock.on("data", (d) => this.#received.push(d.toString("latin1")));
      sock.on("error", () => undefined);
      sock.on("close", () => this.#open.delete(sock));
    });
    this.#tcp.push(server);
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, addr, () => resolve());
    });
  }

  #listenUdp(addr: string, port: number): Promise<void> {
    const sock = createSocket("udp4");
    sock.on("message", (m) => this.#received.push(m.toString("latin1")));
    this.#udp.push(sock);
    return new Promise((resolve, reject) => {
      sock.once("error", reject);
      sock.bind(port, addr, () => resolve());
    });
  }
}
