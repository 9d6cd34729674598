import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fixtureObject } from "../elf/test-support.js";
import { MAP_TYPE_NAMES } from "./map-types.js";
import { readObject } from "./read-object.js";
import { matchSection } from "./section-defs.js";

test("section names: prefix rules follow libbpf ('+' needs exact or '/', otherwise exact)", () => {
  assert.equal(matchSection("lsm/file_open")?.attachTarget, "file_open");
  assert.equal(matchSection("lsm")?.def.progType, "BPF_PROG_TYPE_LSM");
  assert.equal(matchSection("lsmx/file_open"), undefined);
  assert.equal(
    matchSection("tracepoint/syscalls/sys_enter_openat")?.attachTarget,
    "syscalls/sys_enter_openat",
  );
  assert.equal(matchSection("xdpfoo"), undefined);
  assert.equal(matchSection("lsm.s/bprm_check_security")?.def.sleepable, true);
});

test("programs of sections.bpf.c get libbpf's type, attach type and target", () => {
  const r = readObject(readFileSync(fixtureObject("sections")), "sections.bpf.o");
  assert.equal(r.kind, "ok");
  if (r.kind !== "ok") return;
  const by = new Map(
    r.value.programs.map((p) => [
      p.name,
      `${p.progType} ${p.attachType ?? "-"} ${p.attachTarget ?? "-"}`,
    ]),
  );
  const want: Record<string, string> = {
    lsm_file_open: "LSM BPF_LSM_MAC file_open",
    lsm_sleepable: "LSM BPF_LSM_MAC bprm_check_security",
    lsm_cgroup_bind: "LSM BPF_LSM_CGROUP socket_bind",
    fentry_unlink: "TRACING BPF_TRACE_FENTRY do_unlinkat",
    fexit_unlink: "TRACING BPF_TRACE_FEXIT do_unlinkat",
    fmod_ret_open: "TRACING BPF_MODIFY_RETURN security_file_open",
    tp_btf_switch: "TRACING BPF_TRACE_RAW_TP sched_switch",
    raw_tp_enter: "RAW_TRACEPOINT - sys_enter",
    raw_tracepoint_exit: "RAW_TRACEPOINT - sys_exit",
    tracepoint_openat: "TRACEPOINT - syscalls/sys_enter_openat",
    tp_exec: "TRACEPOINT - sched/sched_process_exec",
    kprobe_open: "KPROBE - do_sys_openat2",
    kretprobe_open: "KPROBE - do_sys_openat2",
    uprobe_plain: "KPROBE - -",
    xdp_pass: "XDP BPF_XDP -",
    xdp_drop: "XDP BPF_XDP -",
    tc_ok: "SCHED_CLS - -",
    classifier_ok: "SCHED_CLS - -",
    cgroup_skb_any: "CGROUP_SKB - -",
    cgroup_skb_in: "CGROUP_SKB BPF_CGROUP_INET_INGRESS -",
    cgroup_skb_out: "CGROUP_SKB BPF_CGROUP_INET_EGRESS -",
    sock_create: "CGROUP_SOCK BPF_CGROUP_INET_SOCK_CREATE -",
    connect4: "CGROUP_SOCK_ADDR BPF_CGROUP_INET4_CONNECT -",
    connect6: "CGROUP_SOCK_ADDR BPF_CGROUP_INET6_CONNECT -",
    sendmsg4: "CGROUP_SOCK_ADDR BPF_CGROUP_UDP4_SENDMSG -",
    sendmsg6: "CGROUP_SOCK_ADDR BPF_CGROUP_UDP6_SENDMSG -",
    sysctl_any: "CGROUP_SYSCTL BPF_CGROUP_SYSCTL -",
    socket_filter: "SOCKET_FILTER - -",
    sk_msg_pass: "SK_MSG BPF_SK_MSG_VERDICT -",
    sk_skb_pass: "SK_SKB - -",
    sk_skb_verdict: "SK_SKB BPF_SK_SKB_STREAM_VERDICT -",
    iter_task: "TRACING BPF_TRACE_ITER task",
    syscall_prog: "SYSCALL - -",
    struct_ops_one: "STRUCT_OPS - test_1",
    perf_event_prog: "PERF_EVENT - -",
  };
  assert.equal(by.size, Object.keys(want).length);
  for (const [name, w] of Object.entries(want))
    assert.equal(by.get(name), `BPF_PROG_TYPE_${w}`, name);
});

test("map type names sit at the kernel header's enum positions", () => {
  const h = readFileSync("/usr/include/linux/bpf.h", "utf8");
  const body = /enum bpf_map_type \{([\s\S]*?)\}/.exec(h)?.[1] ?? "";
  const names = body
    .split("\n")
    .map((l) => /^\s*(BPF_MAP_TYPE_\w+),/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined);
  assert.ok(names.length > 20);
  names.forEach((n, i) =>
    assert.equal(MAP_TYPE_NAMES[i], n.replace(/_DEPRECATED$/, ""), `enum position ${i}`),
  );
});
