// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Every relocation family libbpf knows: BTF-defined maps, global data in
 * .data/.rodata/.bss/.rodata.str*, static and global subprograms, and
 * kconfig/ksym externs. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct rec {
	__u64 a;
	__u32 b;
	__u16 c : 3;
	__u16 d : 13;
	char name[10];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct rec);
} recs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 24);
	__uint(max_entries, 2);
} sized SEC(".maps");

__u64 hits = 1;                      /* .data */
__u64 zeroed;                        /* .bss */
const volatile __u32 limit = 7;      /* .rodata */
extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern const void bpf_prog_active __ksym;

static __attribute__((noinline)) int helper_static(int x)
{
	return x * 3 + (int)hits;
}

__attribute__((noinline)) int helper_global(int x)
{
	return x + (int)limit;
}

SEC("lsm/file_open")
int use_all(void *ctx)
{
	__u32 key = 0;
	struct rec *r = bpf_map_lookup_elem(&recs, &key);
	__u64 *c = bpf_map_lookup_elem(&counters, &key);

	if (r)
		r->b = helper_static(r->b);
	if (c)
		*c += helper_global((int)LINUX_KERNEL_VERSION);
	zeroed++;
	bpf_printk("opened %d", key);
	bpf_trace_printk("literal\n", 9);
	if (bpf_ringbuf_query(&events, 0) > 10)
		return (long)&bpf_prog_active & 1;
	return 0;
}

SEC("kprobe/do_unlinkat")
int second(void *ctx)
{
	return helper_static(1) + bpf_map_lookup_elem(&sized, &(__u32){0}) != 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
