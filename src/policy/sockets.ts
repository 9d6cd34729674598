// Socket address families (AF_*) and types (SOCK_*) by their Linux numbers.
// "raw" is a socket type, not a family: raw IP is families [inet, inet6] with
// types [raw].
export const SOCKET_FAMILIES = {
  unix: 1,
  inet: 2,
  ax25: 3,
  ipx: 4,
  appletalk: 5,
  netrom: 6,
  bridge: 7,
  atmpvc: 8,
  x25: 9,
  inet6: 10,
  rose: 11,
  decnet: 12,
  netbeui: 13,
  security: 14,
  key: 15,
  netlink: 16,
  packet: 17,
  econet: 19,
  atmsvc: 20,
  rds: 21,
  irda: 23,
  pppox: 24,
  wanpipe: 25,
  llc: 26,
  ib: 27,
  mpls: 28,
  can: 29,
  tipc: 30,
  bluetooth: 31,
  iucv: 32,
  rxrpc: 33,
  isdn: 34,
  phonet: 35,
  ieee802154: 36,
  caif: 37,
  alg: 38,
  nfc: 39,
  vsock: 40,
  kcm: 41,
  qipcrtr: 42,
  smc: 43,
  xdp: 44,
  mctp: 45,
} as const;

export type SocketFamilyName = keyof typeof SOCKET_FAMILIES;

export const SOCKET_TYPES = {
  stream: 1,
  dgram: 2,
  raw: 3,
  rdm: 4,
  seqpacket: 5,
  packet: 10,
} as const;

export type SocketTypeName = keyof typeof SOCKET_TYPES;
