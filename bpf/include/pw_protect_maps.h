/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The maps of self_protect, shared by every file in bpf/self_protect/. The
 * definitions are __weak so that `bpftool gen object` merges the identical
 * copies into one map each when it links the files into self_protect.bpf.o.
 * Requires vmlinux.h, bpf_helpers.h, pw_abi.h and pw_protect.h first. */
#ifndef PW_PROTECT_MAPS_H
#define PW_PROTECT_MAPS_H

/* [0]: the seal; flags == 0 while Proofwall is not sealed. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pw_seal);
} pw_seal SEC(".maps") __weak;

/* Maps, programs and links only the agent may reach, by (kind, id). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct pw_object_key);
	__type(value, __u8);
} pw_guarded_objs SEC(".maps") __weak;

/* Pinned files and the directories that hold them, by (dev, ino): enum pw_pin_kind. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct pw_file_key);
	__type(value, __u8);
} pw_guarded_pins SEC(".maps") __weak;

/* Refused attempts, as struct pw_tamper_event. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} pw_tamper_evts SEC(".maps") __weak;

#endif
