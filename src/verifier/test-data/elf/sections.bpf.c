// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* One program per libbpf section family, to check program listing and the
 * section-name table. Bodies are trivial: only the ELF layout matters. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("lsm/file_open") int lsm_file_open(void *ctx) { return 0; }
SEC("lsm.s/bprm_check_security") int lsm_sleepable(void *ctx) { return 0; }
SEC("lsm_cgroup/socket_bind") int lsm_cgroup_bind(void *ctx) { return 0; }
SEC("fentry/do_unlinkat") int fentry_unlink(void *ctx) { return 0; }
SEC("fexit/do_unlinkat") int fexit_unlink(void *ctx) { return 0; }
SEC("fmod_ret/security_file_open") int fmod_ret_open(void *ctx) { return 0; }
SEC("tp_btf/sched_switch") int tp_btf_switch(void *ctx) { return 0; }
SEC("raw_tp/sys_enter") int raw_tp_enter(void *ctx) { return 0; }
SEC("raw_tracepoint/sys_exit") int raw_tracepoint_exit(void *ctx) { return 0; }
SEC("tracepoint/syscalls/sys_enter_openat") int tracepoint_openat(void *ctx) { return 0; }
SEC("tp/sched/sched_process_exec") int tp_exec(void *ctx) { return 0; }
SEC("kprobe/do_sys_openat2") int kprobe_open(void *ctx) { return 0; }
SEC("kretprobe/do_sys_openat2") int kretprobe_open(void *ctx) { return 0; }
SEC("uprobe") int uprobe_plain(void *ctx) { return 0; }
SEC("xdp") int xdp_pass(struct xdp_md *ctx) { return XDP_PASS; }
SEC("tc") int tc_ok(struct __sk_buff *skb) { return 0; }
SEC("classifier") int classifier_ok(struct __sk_buff *skb) { return 0; }
SEC("cgroup/skb") int cgroup_skb_any(struct __sk_buff *skb) { return 1; }
SEC("cgroup_skb/ingress") int cgroup_skb_in(struct __sk_buff *skb) { return 1; }
SEC("cgroup_skb/egress") int cgroup_skb_out(struct __sk_buff *skb) { return 1; }
SEC("cgroup/sock_create") int sock_create(struct bpf_sock *sk) { return 1; }
SEC("cgroup/connect4") int connect4(struct bpf_sock_addr *ctx) { return 1; }
SEC("cgroup/connect6") int connect6(struct bpf_sock_addr *ctx) { return 1; }
SEC("cgroup/sendmsg4") int sendmsg4(struct bpf_sock_addr *ctx) { return 1; }
SEC("cgroup/sendmsg6") int sendmsg6(struct bpf_sock_addr *ctx) { return 1; }
SEC("cgroup/sysctl") int sysctl_any(struct bpf_sysctl *ctx) { return 1; }
SEC("socket") int socket_filter(struct __sk_buff *skb) { return 0; }
SEC("sk_msg") int sk_msg_pass(struct sk_msg_md *msg) { return SK_PASS; }
SEC("sk_skb") int sk_skb_pass(struct __sk_buff *skb) { return SK_PASS; }
SEC("sk_skb/stream_verdict") int sk_skb_verdict(struct __sk_buff *skb) { return SK_PASS; }
SEC("iter/task") int iter_task(void *ctx) { return 0; }
SEC("syscall") int syscall_prog(void *ctx) { return 0; }
SEC("struct_ops/test_1") int struct_ops_one(void *ctx) { return 0; }
SEC("perf_event") int perf_event_prog(void *ctx) { return 0; }

/* Two programs sharing one section: libbpf lists both. */
SEC("xdp") int xdp_drop(struct xdp_md *ctx) { return XDP_DROP; }

char LICENSE[] SEC("license") = "GPL";
