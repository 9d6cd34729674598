// Per-program run-time statistics (run_time_ns, run_cnt) are collected only
// while someone holds a BPF_STATS_RUN_TIME fd; closing it turns them off again,
// so a crashed benchmark cannot leave the kernel paying for them.
import { callInt } from "./call.js";
import { native } from "./ffi/libbpf.js";

const BPF_STATS_RUN_TIME = 0;

export function enableRunTimeStats(): Disposable {
  const fd = callInt("enable bpf run-time stats", () =>
    native.bpf_enable_stats(BPF_STATS_RUN_TIME),
  );
  return { [Symbol.dispose]: () => void native.close(fd) };
}
