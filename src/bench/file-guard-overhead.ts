// What file_guard costs: open+close, TCP connect and fork+exec loops with no
// program attached, and with file_guard attached holding 10 and 100,000
// protected files (src/bench/overhead.ts interleaves the conditions).
import { BpfObject, type BpfProgram } from "../kernel/index.js";
import { encodeFileKey } from "../abi/file-key.js";
import { fileKeyOf } from "../identity/file.js";
import { bpfObjectPath } from "../paths.js";
import {
  BASELINE,
  measureOverhead,
  standardWorkloads,
  type Condition,
  type OverheadRow,
} from "./overhead.js";

/** A loaded file_guard whose map holds `entries` protected files, the workload's file among them. */
function loadGuard(entries: number, file: string): BpfObject {
  const obj = BpfObject.open(bpfObjectPath("file_guard"))
    .resizeMap("pw_protected_files", entries)
    .load();
  const map = obj.map("pw_protected_files");
  const own = fileKeyOf(file);
  const keys = Array.from(
    { length: entries - 1 },
    (_, i) => [encodeFileKey({ dev: own.dev, ino: BigInt(1e9 + i) }), Buffer.from([1])] as const,
  );
  for (let i = 0; i < keys.length; i += 10_000) map.updateBatch(keys.slice(i, i + 10_000));
  map.update(encodeFileKey(own), Buffer.from([1]));
  return obj;
}

function attached(name: string, program: BpfProgram): Condition {
  return {
    name,
    enter() {
      const link = program.attachLsm();
      return {
        stats: () => {
          const i = program.info();
          return [{ program: program.name, timeNs: i.runTimeNs, runs: i.runCount }];
        },
        exit: () => link[Symbol.dispose](),
      };
    },
  };
}

/** Runs `rounds` interleaved rounds of every workload under every condition. */
export async function measureFileGuardOverhead(
  rounds: number,
  log: (s: string) => void,
): Promise<OverheadRow[]> {
  const { file, workloads } = standardWorkloads();
  using small = loadGuard(10, file);
  using large = loadGuard(100_000, file);
  return await measureOverhead(
    workloads,
    [
      BASELINE,
      attached("file_guard, 10 files", small.program("pw_file_open")),
      attached("file_guard, 100k files", large.program("pw_file_open")),
    ],
    rounds,
    log,
  );
}
