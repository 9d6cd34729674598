// SPDX-License-Identifier: Apache-2.0
// Exercises ISA v4 encodings (built with -mcpu=v4) so the disassembler test
// sees what clang really emits: sign-extending loads and moves, sdiv/smod,
// bswap, every atomic with and without fetch, bpf-to-bpf calls, helpers.
// Self-contained (no system headers) so the bare clang command line builds it.
#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
typedef unsigned int __u32;
typedef unsigned long long __u64;

struct sk_ctx {
  __u32 len, pkt_type, mark, queue_mapping, protocol, vlan_present, vlan_tci, vlan_proto, priority;
  __u32 ingress_ifindex, ifindex, tc_index, cb[5], hash, tc_classid, data, data_end;
};

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static __u32 (*bpf_get_prandom_u32)(void) = (void *)7;

struct {
  __uint(type, 2);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u64);
} counts SEC(".maps");

long g64;
int g32;

static __attribute__((noinline)) long mix(long a, int b, short c, signed char d) {
  return a / b + a % c + (long)d * 3 - (a >> 7) + (long)(int)a;
}

static __attribute__((noinline)) unsigned long swaps(unsigned long x, unsigned int y, unsigned short z) {
  return __builtin_bswap64(x) ^ __builtin_bswap32(y) ^ __builtin_bswap16(z);
}

static __attribute__((noinline)) long atomics(long *p, int *q, long v, int w) {
  long r = 0;
  __sync_fetch_and_add(p, v);
  __sync_fetch_and_or(p, v);
  __sync_fetch_and_and(p, v);
  __sync_fetch_and_xor(p, v);
  __sync_fetch_and_add(q, w);
  __sync_fetch_and_or(q, w);
  __sync_fetch_and_and(q, w);
  __sync_fetch_and_xor(q, w);
  r += __sync_fetch_and_add(p, v) + __sync_fetch_and_or(p, 3) + __sync_fetch_and_and(p, v) + __sync_fetch_and_xor(p, v);
  r += __sync_fetch_and_add(q, w) + __sync_fetch_and_or(q, w) + __sync_fetch_and_and(q, w) + __sync_fetch_and_xor(q, w);
  r += __sync_val_compare_and_swap(p, r, v) + __sync_val_compare_and_swap(q, (int)r, w);
  r += __atomic_exchange_n(p, r, __ATOMIC_SEQ_CST) + __atomic_exchange_n(q, (int)r, __ATOMIC_SEQ_CST);
  return r;
}

SEC("socket")
int isa_v4(struct sk_ctx *skb) {
  signed char *data = (signed char *)(long)skb->data;
  signed char *end = (signed char *)(long)skb->data_end;
  __u32 key = 1;
  __u64 *slot;
  long acc = 0;
  if (data + 16 > end) return 0;
  short h = *(short *)(data + 2);
  int wv = *(int *)(data + 4);
  acc += mix(*(long *)(data + 8), wv, h, data[0]);
  acc += (long)(int)acc / -7 + (int)acc % 5 + (unsigned int)acc / 3 + acc % 11u;
  acc += swaps(acc, (unsigned)wv, (unsigned short)h);
  acc += atomics(&g64, &g32, acc, wv);
  slot = bpf_map_lookup_elem(&counts, &key);
  if (slot) __sync_fetch_and_add(slot, 1);
  acc += bpf_get_prandom_u32();
  for (int i = 0; i < 8 && data + i + 1 <= end; i++) acc = (acc << 3) ^ (acc >> 2) ^ data[i];
  return (int)(acc & 0x7fffffff);
}

char LICENSE[] SEC("license") = "GPL";
