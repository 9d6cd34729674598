/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the verifier corpus: every program is built twice, as written
 * (with the planted bug on the line marked BUG) and with -DFIXED. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define EPERM 1

char LICENSE[] SEC("license") = "GPL";

/* An input the verifier cannot know: a flag word read through a BTF pointer. */
#define UNKNOWN(file) ((__u32)(file)->f_flags)
