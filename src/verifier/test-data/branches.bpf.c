// SPDX-License-Identifier: Apache-2.0
// Branch-heavy code for the disassembler test: 32-bit compares (jmp32),
// signed and unsigned conditions, switch tables, stack stores of every size.
#define SEC(name) __attribute__((section(name), used))

struct pkt {
  unsigned char b[8];
  unsigned short h[4];
  unsigned int w[4];
  long long q[2];
};

static __attribute__((noinline)) int classify(int x, unsigned int y) {
  if (x < -5) return 1;
  if (x >= 100) return 2;
  if (y > 7u) return 3;
  if ((x & 0x40) != 0) return 4;
  if ((long)x <= (long)y) return 5;
  return 6;
}

SEC("tc")
int branches(struct pkt *p) {
  volatile unsigned char c = 0x7f;
  volatile unsigned short s = 0x1234;
  volatile unsigned int w = 0xdeadbeef;
  volatile long long q = -2;
  int acc = classify(p->w[0], p->w[1]);
  switch (p->b[1]) {
  case 0: acc += 3; break;
  case 1: acc ^= 9; break;
  case 2: acc -= p->h[2]; break;
  case 5: acc *= p->b[3]; break;
  default: acc = acc >> 1;
  }
  if ((unsigned long long)p->q[0] > 0xffffffffffULL) acc |= 0x100;
  if (p->q[1] < -1000000000000LL) acc &= ~0x200;
  p->b[7] = c;
  p->h[3] = s;
  p->w[3] = w + (unsigned int)q;
  p->q[1] = 0x123456789abcdefLL;
  return acc + (p->b[0] == 0xff) - (p->h[0] != 0x10);
}
