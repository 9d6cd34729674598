// Builders and probes for the network, sockets and unix kernel suites: rules
// from CIDR text, and a small python probe that makes one connect, sendto,
// ping, socket or unix request and prints "ok" or the errno's name, so a test can
// tell the enforcer's EPERM from any other network failure.
import { writeFileSync } from "node:fs";
import type { Server } from "node:net";
import { parseCidr, type Cidr } from "../policy/cidr.js";
import { EVERYONE, type Action, type Rule, type Subject } from "../policy/model.js";
import type { PortRange } from "../policy/ports.js";
import type { Protocol } from "../policy/schema-resources.js";
import { sh, type RunAs } from "./test-support.js";

/** The system's python, reachable by unprivileged users (not a per-user shim). */
export const PYTHON = "/usr/bin/python3";

export function cidr(text: string): Cidr {
  const r = parseCidr(text);
  if (r.kind !== "ok") throw new Error(`test cidr ${text}: ${r.why}`);
  return r.cidr;
}

export function networkRule(
  id: string,
  action: Action,
  cidrs: readonly string[],
  options: {
    ports?: readonly PortRange[];
    protocols?: readonly Protocol[];
    subjects?: readonly Subject[];
  } = {},
): Omit<Rule, "index"> {
  return {
    id,
    action,
    subjects: options.subjects ?? [EVERYONE],
    resource: {
      kind: "network",
      cidrs: cidrs.map(cidr),
      ports: options.ports ?? null,
      protocols: options.protocols ?? null,
    },
  };
}

/** Lets every group open ping sockets, as systemd does by default (the kernel's own default is
 * none); the VM is thrown away after the suite. */
export function openPingSockets(): void {
  const r = sh(`echo "0 2147483647" > /proc/sys/net/ipv4/ping_group_range`);
  if (r.status !== 0) throw new Error(`ping_group_range: ${r.stderr}`);
}

export const user = (uid: number): Subject => ({
  identity: { kind: "user", uid },
  placement: null,
  exe: null,
});

const PROBE = `
import errno, socket, sys
op, args = sys.argv[1], sys.argv[2:]
def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET
def icmp_socket(addr, kind):
    return socket.socket(family(addr), kind, socket.IPPROTO_ICMPV6 if ":" in addr else socket.IPPROTO_ICMP)
def echo(addr):
    # An echo request (ICMPv6 type 128, ICMP type 8); a ping socket fills in id and checksum.
    return bytes([128 if ":" in addr else 8, 0, 0, 0, 0, 0, 0, 1]) + b"x"
def run():
    if op == "connect":
        addr, port, proto = args[0], int(args[1]), args[2]
        if proto == "icmp":
            s = icmp_socket(addr, socket.SOCK_DGRAM)
            s.connect((addr, port))
            s.send(echo(addr))
            return
        kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
        s = socket.socket(family(addr), kind, 262 if proto == "mptcp" else 0)
        s.settimeout(3)
        s.connect((addr, port))
    elif op == "sendto":
        addr, port = args[0], int(args[1])
        if args[2:] == ["icmp"]:
            icmp_socket(addr, socket.SOCK_DGRAM).sendto(echo(addr), (addr, port))
        else:
            socket.socket(family(addr), socket.SOCK_DGRAM).sendto(b"x", (addr, port))
    elif op == "rawping":
        addr = args[0]
        icmp_socket(addr, socket.SOCK_RAW).sendto(echo(addr), (addr, 0))
    elif op == "udplite":
        addr, port = args[0], int(args[1])
        socket.socket(family(addr), socket.SOCK_DGRAM, 136).sendto(b"x", (addr, port))
    elif op == "fastopen":
        addr, port = args[0], int(args[1])
        # Blocking: with a timeout python makes the socket non-blocking and the send says EINPROGRESS.
        s = socket.socket(family(addr), socket.SOCK_STREAM)
        s.sendto(b"x", socket.MSG_FASTOPEN, (addr, port))
    elif op == "socket":
        socket.socket(int(args[0]), int(args[1]), int(args[2])).close()
    elif op == "unix":
        kind, path = args[0], args[1]
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM if kind == "stream" else socket.SOCK_DGRAM)
        s.connect(path) if kind == "stream" else s.sendto(b"x", path)
def report():
    try:
        run()
        print("ok", flush=True)
    except OSError as e:
        print(errno.errorcode.get(e.errno, type(e).__name__) if e.errno else type(e).__name__, flush=True)
if op == "batch":
    import os
    print(os.getpid(), flush=True)
    for line in args:
        op, *args = line.split(",")
        report()
else:
    report()
`;

export class Probe {
  constructor(private readonly path: string) {
    writeFileSync(path, PROBE, { mode: 0o755 });
  }

  /** "ok", or the errno name of the failure ("EPERM" is the enforcer's). */
  run(args: readonly (string | number)[], as?: number | RunAs): string {
    const r = sh(`exec ${PYTHON} ${this.path} ${args.join(" ")}`, as);
    if (r.status !== 0) throw new Error(`probe ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  }

  /** "mptcp": a Multipath TCP socket (IPPROTO_MPTCP). */
  connect(
    addr: string,
    port: number,
    proto: Protocol | "mptcp" = "tcp",
    as?: number | RunAs,
  ): string {
    return this.run(["connect", addr, port, proto], as);
  }

  sendto(addr: string, port: number, as?: number | RunAs): string {
    return this.run(["sendto", addr, port], as);
  }

  /** An ICMP (ICMPv6 for an IPv6 address) echo request from a ping socket: sendto with the
   * address, or connect and send. The port goes into the address and means nothing. */
  ping(addr: string, how: "sendto" | "connect" = "sendto", port = 0, as?: number | RunAs): string {
    return this.run([how, addr, port, "icmp"], as);
  }

  /** An echo request from a raw ICMP (ICMPv6) socket, which only root may open. */
  rawPing(addr: string): string {
    return this.run(["rawping", addr]);
  }

  /** A UDP-Lite datagram (IPPROTO_UDPLITE) with a destination. */
  sendtoLite(addr: string, port: number, as?: number | RunAs): string {
    return this.run(["udplite", addr, port], as);
  }

  /** A TCP fast open: sendto with MSG_FASTOPEN connects without calling connect(). */
  fastopen(addr: string, port: number, as?: number | RunAs): string {
    return this.run(["fastopen", addr, port], as);
  }

  socket(family: number, type: number, protocol = 0, as?: number | RunAs): string {
    return this.run(["socket", family, type, protocol], as);
  }

  unix(kind: "stream" | "dgram", path: string, as?: number | RunAs): string {
    return this.run(["unix", kind, path], as);
  }

  /** Many requests in one process (python starts slowly under emulation): its pid and one result each. */
  batch(
    requests: readonly (readonly (string | number)[])[],
    as?: number | RunAs,
  ): { pid: number; results: string[] } {
    const out = this.run(["batch", ...requests.map((q) => q.join(","))], as).split("\n");
    return { pid: Number(out[0]), results: out.slice(1) };
  }
}

/**
 * Starts `server` on a port of every local address (dual stack) or on a unix
 * socket path, and records it in `servers` so the suite can close it.
 */
export function listenOn(servers: Server[], server: Server, where: number | string): Promise<void> {
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    if (typeof where === "number") server.listen(where, "::", resolve);
    else server.listen(where, resolve);
  });
}
