/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The compiled-policy maps, shared by every enforce_*.bpf.c. Each object
 * declares them identically; the loader creates them once with the first
 * object and hands them to the others with reuseMap(), so every hook reads the
 * same policy. Sizes here are defaults: the loader resizes before load.
 * Requires vmlinux.h, bpf_helpers.h and pw_policy.h first. */
#ifndef PW_POLICY_MAPS_H
#define PW_POLICY_MAPS_H

/* [0]: the active generation. Every program reads it first, so switching a
 * policy is one 4-byte write; keys carry the generation they belong to. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} pw_control SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PW_GENERATIONS);
	__type(key, __u32);
	__type(value, struct pw_config);
} pw_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4096);
	__type(key, struct pw_object_key);
	__type(value, __u32);
} pw_objects SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, struct pw_rule_key);
	__type(value, __u64);
} pw_rules SEC(".maps");

/* Network rules by (subject key, CIDR); see struct pw_net_key. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct pw_net_key);
	__type(value, struct pw_net_value);
} pw_net SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} pw_decisions SEC(".maps");

/* Rate limit of events: (tgid, rule) -> last report and how many were
 * dropped since. LRU, so a fork bomb cannot exhaust it. */
struct pw_rate_key {
	__u32 tgid;
	__u32 rule;
};
struct pw_rate {
	__u64 last_ns;
	__u32 suppressed;
	__u32 pad;
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct pw_rate_key);
	__type(value, struct pw_rate);
} pw_rate SEC(".maps");

/* Decisions by hook and outcome: index hook * PW_OUT_COUNT + outcome. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PW_EH_COUNT * PW_OUT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} pw_counters SEC(".maps");

#endif
