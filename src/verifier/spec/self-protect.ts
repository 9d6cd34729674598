// Functional specifications of self_protect's task hooks
// (bpf/self_protect/agent_task.bpf.c): when they refuse, what they report,
// and that they write no map. Field offsets and enum values come from the
// object's BTF (layout.ts); the only constants written here are kernel ABI
// values the object's BTF does not carry (EPERM, PTRACE_MODE_ATTACH).
import {
  TRUE,
  FALSE,
  and,
  bv,
  bin,
  eq,
  extract,
  implies,
  ite,
  not,
  sext,
  type Term,
} from "../vc/index.js";
import {
  ctxArg,
  helperResult,
  kernelLoad,
  kernelPath,
  mapField,
  mapPresent,
  ringbufFull,
} from "./inputs.js";
import type { Layout } from "./layout.js";
import type { Clause, FunctionalSpec } from "./spec.js";

const EPERM = 1n;
const PTRACE_MODE_ATTACH = 2n;
const SEAL = "pw_seal";
const TAMPER = "pw_tamper_evts";
const SEAL_KEY = bv(0n, 32);

const bvAnd = (a: Term, b: Term) => bin("bvand", a, b);
const iff = (a: Term, b: Term) => eq(a, b);
const isZero = (t: Term) => eq(t, bv(0n, t.sort.kind === "bv" ? t.sort.width : 64));

/** The terms the task hooks' decision is made of, over the object's layout. */
export class AgentModel {
  constructor(readonly layout: Layout) {}

  private seal(field: string): Term {
    return mapField(SEAL, SEAL_KEY, this.layout.field("pw_seal", field));
  }

  /** pw_seal[0] exists and has PW_SEAL_ACTIVE set. */
  sealed(): Term {
    const active = bv(this.layout.enumerator("PW_SEAL_ACTIVE"), 32);
    return and(mapPresent(SEAL, SEAL_KEY), not(isZero(bvAnd(this.seal("flags"), active))));
  }

  /** The claim is complete and the task matches its tgid, start time and executable. */
  taskIsAgent(task: Term): Term {
    const L = this.layout;
    const start = this.seal("agent_start_time");
    const exe = kernelPath(L, task, [
      ["task_struct", "mm"],
      ["mm_struct", "exe_file"],
      ["file", "f_inode"],
    ]);
    const leaderStart = kernelPath(L, task, [
      ["task_struct", "group_leader"],
      ["task_struct", "start_time"],
    ]);
    return and(
      not(isZero(start)),
      eq(kernelLoad(task, L.field("task_struct", "tgid")), this.seal("agent_tgid")),
      eq(leaderStart, start),
      eq(kernelLoad(exe, L.field("inode", "i_ino")), this.seal("agent_exe_ino")),
      eq(
        kernelPath(L, exe, [
          ["inode", "i_sb"],
          ["super_block", "s_dev"],
        ]),
        this.seal("agent_exe_dev"),
      ),
    );
  }

  currentIsAgent(): Term {
    return this.taskIsAgent(helperResult("get_current_task_btf"));
  }
}

interface HookShape {
  readonly program: string;
  readonly hook: string;
  /** context slot of the task acted on, of the detail (sig or mode), of the prior verdict */
  readonly taskSlot: number;
  readonly detailSlot: number;
  readonly priorSlot: number;
  /** the detail makes the request one self_protect refuses (a real signal, an ATTACH) */
  readonly relevant: (detail: Term) => Term;
}

function hookSpec(m: AgentModel, h: HookShape): FunctionalSpec {
  const L = m.layout;
  const prior = ctxArg(h.priorSlot, 4);
  const detail = ctxArg(h.detailSlot, 4);
  const task = ctxArg(h.taskSlot);
  const deny = and(m.sealed(), h.relevant(detail), m.taskIsAgent(task), not(m.currentIsAgent()));
  const refused = and(isZero(prior), deny);
  const field = (name: string) => L.field("pw_tamper_event", name);
  const pidTgid = helperResult("get_current_pid_tgid");
  const clauses: Clause[] = [
    {
      name: "prior-verdict-passes",
      holds: (x) => implies(not(isZero(prior)), eq(x.ret, prior)),
    },
    {
      name: "eperm-iff-deny",
      holds: (x) =>
        implies(isZero(prior), eq(x.ret, ite(deny, bv(-EPERM & 0xffffffffn, 32), bv(0n, 32)))),
    },
    {
      name: "event-iff-refused",
      holds: (x) => iff(x.emitted(TAMPER), and(refused, not(ringbufFull(TAMPER, 0)))),
    },
    {
      name: "event-fields",
      holds: (x) =>
        implies(
          x.emitted(TAMPER),
          and(
            eq(x.record(TAMPER, field("hook")), bv(L.enumerator(h.hook), 32)),
            eq(x.record(TAMPER, field("detail")), detail),
            eq(
              x.record(TAMPER, field("target")),
              sext(32, kernelLoad(task, L.field("task_struct", "tgid"))),
            ),
            eq(x.record(TAMPER, field("pid")), extract(31, 0, pidTgid)),
            eq(x.record(TAMPER, field("tgid")), extract(63, 32, pidTgid)),
          ),
        ),
    },
    { name: "writes-no-map", holds: (x) => (x.writes.length === 0 ? TRUE : FALSE) },
  ];
  return { program: h.program, clauses };
}

export function selfProtectSpecs(layout: Layout): FunctionalSpec[] {
  const m = new AgentModel(layout);
  return [
    hookSpec(m, {
      program: "pw_task_kill",
      hook: "PW_PROTECT_TASK_KILL",
      taskSlot: 0,
      detailSlot: 2,
      priorSlot: 4,
      relevant: (sig) => not(isZero(sig)),
    }),
    hookSpec(m, {
      program: "pw_ptrace_access_check",
      hook: "PW_PROTECT_PTRACE",
      taskSlot: 0,
      detailSlot: 1,
      priorSlot: 2,
      relevant: (mode) => not(isZero(bvAnd(mode, bv(PTRACE_MODE_ATTACH, 32)))),
    }),
  ];
}
