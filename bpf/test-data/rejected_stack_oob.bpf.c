// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test fixture: a program the kernel verifier must reject (it reads below the
 * 512-byte stack), so the binding's verifier-log capture can be tested. Written
 * in asm so the compiler cannot optimise the bug away. (Reading an unwritten
 * slot would not do: the kernel allows that to privileged loaders.) */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("socket")
__attribute__((naked)) int read_below_stack(void)
{
	asm volatile("r0 = *(u64 *)(r10 - 520);"
		     "exit;");
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
