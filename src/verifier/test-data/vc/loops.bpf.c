// SPDX-License-Identifier: Apache-2.0
// CFG fixture: a bounded loop that clang must not unroll, a nested loop and a
// bpf-to-bpf call, so loop heads, back edges and functions appear in real
// compiler output.
#define SEC(name) __attribute__((section(name), used))

struct buf {
  unsigned char b[64];
  unsigned int n;
};

static __attribute__((noinline)) unsigned int checksum(const struct buf *p) {
  unsigned int sum = 0;
#pragma clang loop unroll(disable)
  for (unsigned int i = 0; i < 64 && i < p->n; i++) sum += p->b[i];
  return sum;
}

SEC("tc")
int loops(struct buf *p) {
  unsigned int acc = checksum(p);
#pragma clang loop unroll(disable)
  for (int i = 0; i < 4; i++) {
#pragma clang loop unroll(disable)
    for (int j = 0; j < 4; j++) acc ^= (unsigned int)(i * j) + p->b[i + j];
  }
  return (int)acc;
}
