// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A socket filter that accepts every packet: ordinary BPF use that a sealed
 * Proofwall must keep allowing. self-protect.kernel.test.ts compiles it with
 * clang-19 (against build/bpf/vmlinux.h) inside the test VM. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("socket")
int accept_all(struct __sk_buff *skb)
{
	return skb->len;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
