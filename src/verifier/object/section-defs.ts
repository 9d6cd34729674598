// libbpf's section-name table (section_defs in libbpf.c), as data: a
// program's SEC() name decides its program type, expected attach type and
// attach target. Order matters: the first matching entry wins, as in libbpf.

export interface SectionDef {
  /** "lsm+" matches "lsm" and "lsm/<target>"; "sk_skb/" needs the slash; others match exactly. */
  readonly pattern: string;
  readonly progType: string;
  readonly attachType: string | undefined;
  readonly sleepable: boolean;
}

const d = (
  pattern: string,
  progType: string,
  attachType?: string,
  sleepable = false,
): SectionDef => ({
  pattern,
  progType: `BPF_PROG_TYPE_${progType}`,
  attachType,
  sleepable,
});

export const SECTION_DEFS: readonly SectionDef[] = [
  d("socket", "SOCKET_FILTER"),
  d("sk_reuseport/migrate", "SK_REUSEPORT", "BPF_SK_REUSEPORT_SELECT_OR_MIGRATE"),
  d("sk_reuseport", "SK_REUSEPORT", "BPF_SK_REUSEPORT_SELECT"),
  d("kprobe+", "KPROBE"),
  d("uprobe+", "KPROBE"),
  d("uprobe.s+", "KPROBE", undefined, true),
  d("kretprobe+", "KPROBE"),
  d("uretprobe+", "KPROBE"),
  d("uretprobe.s+", "KPROBE", undefined, true),
  d("kprobe.multi+", "KPROBE", "BPF_TRACE_KPROBE_MULTI"),
  d("kretprobe.multi+", "KPROBE", "BPF_TRACE_KPROBE_MULTI"),
  d("uprobe.multi+", "KPROBE", "BPF_TRACE_UPROBE_MULTI"),
  d("uretprobe.multi+", "KPROBE", "BPF_TRACE_UPROBE_MULTI"),
  d("ksyscall+", "KPROBE"),
  d("kretsyscall+", "KPROBE"),
  d("usdt+", "KPROBE"),
  d("tc/ingress", "SCHED_CLS", "BPF_TCX_INGRESS"),
  d("tc/egress", "SCHED_CLS", "BPF_TCX_EGRESS"),
  d("tcx/ingress", "SCHED_CLS", "BPF_TCX_INGRESS"),
  d("tcx/egress", "SCHED_CLS", "BPF_TCX_EGRESS"),
  d("tc", "SCHED_CLS"),
  d("classifier", "SCHED_CLS"),
  d("action", "SCHED_ACT"),
  d("tracepoint+", "TRACEPOINT"),
  d("tp+", "TRACEPOINT"),
  d("raw_tracepoint+", "RAW_TRACEPOINT"),
  d("raw_tp+", "RAW_TRACEPOINT"),
  d("raw_tracepoint.w+", "RAW_TRACEPOINT_WRITABLE"),
  d("raw_tp.w+", "RAW_TRACEPOINT_WRITABLE"),
  d("tp_btf+", "TRACING", "BPF_TRACE_RAW_TP"),
  d("fentry+", "TRACING", "BPF_TRACE_FENTRY"),
  d("fmod_ret+", "TRACING", "BPF_MODIFY_RETURN"),
  d("fexit+", "TRACING", "BPF_TRACE_FEXIT"),
  d("fentry.s+", "TRACING", "BPF_TRACE_FENTRY", true),
  d("fmod_ret.s+", "TRACING", "BPF_MODIFY_RETURN", true),
  d("fexit.s+", "TRACING", "BPF_TRACE_FEXIT", true),
  d("freplace+", "EXT"),
  d("lsm+", "LSM", "BPF_LSM_MAC"),
  d("lsm.s+", "LSM", "BPF_LSM_MAC", true),
  d("lsm_cgroup+", "LSM", "BPF_LSM_CGROUP"),
  d("iter+", "TRACING", "BPF_TRACE_ITER"),
  d("iter.s+", "TRACING", "BPF_TRACE_ITER", true),
  d("syscall", "SYSCALL", undefined, true),
  d("xdp.frags/devmap", "XDP", "BPF_XDP_DEVMAP"),
  d("xdp/devmap", "XDP", "BPF_XDP_DEVMAP"),
  d("xdp.frags/cpumap", "XDP", "BPF_XDP_CPUMAP"),
  d("xdp/cpumap", "XDP", "BPF_XDP_CPUMAP"),
  d("xdp.frags", "XDP", "BPF_XDP"),
  d("xdp", "XDP", "BPF_XDP"),
  d("perf_event", "PERF_EVENT"),
  d("lwt_in", "LWT_IN"),
  d("lwt_out", "LWT_OUT"),
  d("lwt_xmit", "LWT_XMIT"),
  d("lwt_seg6local", "LWT_SEG6LOCAL"),
  d("sockops", "SOCK_OPS", "BPF_CGROUP_SOCK_OPS"),
  d("sk_skb/stream_parser", "SK_SKB", "BPF_SK_SKB_STREAM_PARSER"),
  d("sk_skb/stream_verdict", "SK_SKB", "BPF_SK_SKB_STREAM_VERDICT"),
  d("sk_skb/verdict", "SK_SKB", "BPF_SK_SKB_VERDICT"),
  d("sk_skb", "SK_SKB"),
  d("sk_msg", "SK_MSG", "BPF_SK_MSG_VERDICT"),
  d("lirc_mode2", "LIRC_MODE2", "BPF_LIRC_MODE2"),
  d("flow_dissector", "FLOW_DISSECTOR", "BPF_FLOW_DISSECTOR"),
  d("cgroup_skb/ingress", "CGROUP_SKB", "BPF_CGROUP_INET_INGRESS"),
  d("cgroup_skb/egress", "CGROUP_SKB", "BPF_CGROUP_INET_EGRESS"),
  d("cgroup/skb", "CGROUP_SKB"),
  d("cgroup/sock_create", "CGROUP_SOCK", "BPF_CGROUP_INET_SOCK_CREATE"),
  d("cgroup/sock_release", "CGROUP_SOCK", "BPF_CGROUP_INET_SOCK_RELEASE"),
  d("cgroup/sock", "CGROUP_SOCK", "BPF_CGROUP_INET_SOCK_CREATE"),
  d("cgroup/post_bind4", "CGROUP_SOCK", "BPF_CGROUP_INET4_POST_BIND"),
  d("cgroup/post_bind6", "CGROUP_SOCK", "BPF_CGROUP_INET6_POST_BIND"),
  d("cgroup/bind4", "CGROUP_SOCK_ADDR", "BPF_CGROUP_INET4_BIND"),
  d("cgroup/bind6", "CGROUP_SOCK_ADDR", "BPF_CGROUP_INET6_BIND"),
  d("cgroup/connect4", "CGROUP_SOCK_ADDR", "BPF_CGROUP_INET4_CONNECT"),
  d("cgroup/connect6", "CGROUP_SOCK_ADDR", "BPF_CGROUP_INET6_CONNECT"),
  d("cgroup/connect_unix", "CGROUP_SOCK_ADDR", "BPF_CGROUP_UNIX_CONNECT"),
  d("cgroup/sendmsg4", "CGROUP_SOCK_ADDR", "BPF_CGROUP_UDP4_SENDMSG"),
  d("cgroup/sendmsg6", "CGROUP_SOCK_ADDR", "BPF_CGROUP_UDP6_SENDMSG"),
  d("cgroup/sendmsg_unix", "CGROUP_SOCK_ADDR", "BPF_CGROUP_UNIX_SENDMSG"),
  d("cgroup/recvmsg4", "CGROUP_SOCK_ADDR", "BPF_CGROUP_UDP4_RECVMSG"),
  d("cgroup/recvmsg6", "CGROUP_SOCK_ADDR", "BPF_CGROUP_UDP6_RECVMSG"),
  d("cgroup/recvmsg_unix", "CGROUP_SOCK_ADDR", "BPF_CGROUP_UNIX_RECVMSG"),
  d("cgroup/getpeername4", "CGROUP_SOCK_ADDR", "BPF_CGROUP_INET4_GETPEERNAME"),
  d("cgroup/getpeername6", "CGROUP_SOCK_ADDR", "BPF_CGROUP_INET6_GETPEERNAME"),
  d("cgroup/getsockname4", "CGROUP_SOCK_ADDR", "BPF_CGROUP_INET4_GETSOCKNAME"),
  d("cgroup/getsockname6", "CGROUP_SOCK_ADDR", "BPF_CGROUP_INET6_GETSOCKNAME"),
  d("cgroup/sysctl", "CGROUP_SYSCTL", "BPF_CGROUP_SYSCTL"),
  d("cgroup/getsockopt", "CGROUP_SOCKOPT", "BPF_CGROUP_GETSOCKOPT"),
  d("cgroup/setsockopt", "CGROUP_SOCKOPT", "BPF_CGROUP_SETSOCKOPT"),
  d("cgroup/dev", "CGROUP_DEVICE", "BPF_CGROUP_DEVICE"),
  d("struct_ops+", "STRUCT_OPS"),
  d("struct_ops.s+", "STRUCT_OPS", undefined, true),
  d("sk_lookup", "SK_LOOKUP", "BPF_SK_LOOKUP"),
  d("netfilter", "NETFILTER", "BPF_NETFILTER"),
];

export interface SectionMatch {
  readonly def: SectionDef;
  /** What follows "<prefix>/" for "+" entries: the LSM hook, traced function or tracepoint. */
  readonly attachTarget: string | undefined;
}

export function matchSection(name: string): SectionMatch | undefined {
  for (const def of SECTION_DEFS) {
    const m = matchOne(def.pattern, name);
    if (m !== undefined) return { def, attachTarget: m === "" ? undefined : m };
  }
  return undefined;
}

/** undefined when no match; otherwise the attach target ("" when there is none). */
function matchOne(pattern: string, name: string): string | undefined {
  if (pattern.endsWith("/"))
    return name.startsWith(pattern) ? name.slice(pattern.length) : undefined;
  if (!pattern.endsWith("+")) return name === pattern ? "" : undefined;
  const prefix = pattern.slice(0, -1);
  if (name === prefix) return "";
  return name.startsWith(`${prefix}/`) ? name.slice(prefix.length + 1) : undefined;
}
