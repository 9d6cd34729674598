// Functional specification of enforce_proc's item hooks (bpf/enforce_proc.bpf.c):
// capabilities, ptrace, mounts, module loading and anonymous executable
// memory. Each decides one item of one class (pw_item_score): the item's
// pw_objects id, then the best score among the subject's candidate keys for
// it (hook-decision.ts). What differs per hook is which requests it decides,
// the item and what the event names as the inode. Constants the object's BTF
// does not carry: PF_KTHREAD, PTRACE_MODE_ATTACH, PROT_EXEC, VM_EXEC,
// PW_ITEM_ANY. bprm_check_security (a file walk) is not specified here yet.
import type { ObjectSpec } from "../object/index.js";
import {
  add,
  and,
  bin,
  bv,
  concat,
  eq,
  ite,
  not,
  or,
  sext,
  widthOf,
  type Term,
} from "../vc/index.js";
import { ctxArg, helperResult, kernelLoad, kernelRead } from "./inputs.js";
import type { Layout } from "./layout.js";
import { DecisionModel, decisionClauses, type DecidedRequest } from "./hook-decision.js";
import { EXPLORE, bestLemma, identitySlots, witnessConfigs } from "./decision-proof.js";
import { isZero } from "./policy-model.js";
import type { FunctionalSpec } from "./spec.js";

const PF_KTHREAD = 0x00200000n;
const PTRACE_MODE_ATTACH = 0x2n;
const PROT_EXEC = 0x4n;
const VM_EXEC = 0x4n;
const PW_ITEM_ANY = 0n;

const u32 = (n: bigint) => bv(n, 32);
const u64 = (n: bigint) => bv(n, 64);
const hasBits = (t: Term, bits: bigint) => not(isZero(bin("bvand", t, bv(bits, widthOf(t)))));

/** What one item hook decides: when, which item, what the event names. */
export interface ItemRequest {
  readonly program: string;
  readonly hook: string;
  readonly cls: string;
  /** the prior verdict's context slot: returned unchanged when the hook does not decide */
  readonly retSlot: number;
  /** besides a zero prior verdict, what makes the request one the hook decides */
  readonly decides: Term;
  readonly item: Term;
  readonly ino: Term;
  /** anonymous exec: only a rule decides, never the class default */
  readonly ruleOnly?: boolean;
}

/** An item hook's request and its decision. */
export class ItemModel extends DecisionModel {
  readonly ret: Term;
  /** the item's pw_objects id (kind RESOURCE, value class << 32 | item) */
  readonly res: Term;
  readonly score: Term;

  constructor(
    layout: Layout,
    obj: ObjectSpec,
    readonly item: ItemRequest,
  ) {
    super(layout, obj, item.cls, !item.ruleOnly);
    this.ret = ctxArg(item.retSlot, 4);
    const value = concat(u32(layout.enumerator(item.cls)), item.item);
    this.res = this.policy.objectId("PW_OBJ_RESOURCE", value, u32(0n));
    this.score = this.namedScore(this.res, u32(0n));
  }

  decided(): Term {
    return and(isZero(this.ret), this.item.decides);
  }

  request(): DecidedRequest {
    return {
      hook: this.item.hook,
      decided: this.decided(),
      passed: this.ret,
      passName: "undecided-passes",
      score: this.score,
      fields: [
        ["op", this.item.item],
        ["ino", this.item.ino],
        ["dev", u32(0n)],
        ["family", bv(0n, 8)],
        ["protocol", bv(0n, 8)],
      ],
    };
  }
}

/** Kernel reads as BPF_CORE_READ makes them (bpf_probe_read_kernel). */
function reader(layout: Layout) {
  return (ptr: Term, struct: string, field: string): Term => {
    const f = layout.field(struct, field);
    return kernelRead(add(ptr, bv(BigInt(f.offset), 64)), f.size);
  };
}

/**
 * Memory no linked file backs (anonymous, a memfd, a deleted file), and the
 * inode number the event names for it (0 without a file).
 */
function fileless(layout: Layout, file: Term): { fileless: Term; ino: Term } {
  const read = reader(layout);
  const inode = read(file, "file", "f_inode");
  return {
    fileless: or(isZero(file), isZero(read(inode, "inode", "i_nlink"))),
    ino: ite(isZero(file), u64(0n), read(inode, "inode", "i_ino")),
  };
}

export function itemRequests(layout: Layout): ItemRequest[] {
  const read = reader(layout);
  const e = (name: string) => layout.enumerator(name);
  const any = u32(PW_ITEM_ANY);
  const task = helperResult("get_current_task_btf");
  const mountOrModule = (program: string, hook: string, cls: string, retSlot: number) => ({
    program,
    hook,
    cls,
    retSlot,
    decides: and(),
    item: any,
    ino: u64(0n),
  });
  const mapped = fileless(layout, ctxArg(0));
  const vma = ctxArg(0);
  const protected_ = fileless(layout, read(vma, "vm_area_struct", "vm_file"));
  return [
    {
      program: "pw_capable",
      hook: "PW_EH_CAPABLE",
      cls: "PW_CLASS_CAPABILITIES",
      retSlot: 4,
      decides: and(
        not(hasBits(kernelLoad(task, layout.field("task_struct", "flags")), PF_KTHREAD)),
        eq(ctxArg(0), kernelLoad(task, layout.field("task_struct", "cred"))),
      ),
      item: ctxArg(2, 4),
      ino: u64(0n),
    },
    {
      program: "pw_ptrace_access_check",
      hook: "PW_EH_PTRACE_ACCESS",
      cls: "PW_CLASS_PTRACE",
      retSlot: 2,
      decides: and(),
      item: ite(
        hasBits(ctxArg(1, 4), PTRACE_MODE_ATTACH),
        u32(e("PW_PTRACE_ATTACH")),
        u32(e("PW_PTRACE_READ")),
      ),
      ino: sext(32, read(ctxArg(0), "task_struct", "tgid")),
    },
    mountOrModule("pw_sb_mount", "PW_EH_SB_MOUNT", "PW_CLASS_MOUNT", 5),
    mountOrModule("pw_move_mount", "PW_EH_MOVE_MOUNT", "PW_CLASS_MOUNT", 2),
    mountOrModule(
      "pw_kernel_module_request",
      "PW_EH_KERNEL_MODULE_REQUEST",
      "PW_CLASS_MODULE_LOAD",
      1,
    ),
    {
      program: "pw_kernel_read_file",
      hook: "PW_EH_KERNEL_READ_FILE",
      cls: "PW_CLASS_MODULE_LOAD",
      retSlot: 3,
      decides: eq(ctxArg(1, 4), u32(e("READING_MODULE"))),
      item: any,
      ino: read(read(ctxArg(0), "file", "f_inode"), "inode", "i_ino"),
    },
    {
      program: "pw_kernel_load_data",
      hook: "PW_EH_KERNEL_LOAD_DATA",
      cls: "PW_CLASS_MODULE_LOAD",
      retSlot: 2,
      decides: eq(ctxArg(0, 4), u32(e("LOADING_MODULE"))),
      item: any,
      ino: u64(0n),
    },
    {
      program: "pw_mmap_file",
      hook: "PW_EH_MMAP_FILE",
      cls: "PW_CLASS_EXEC",
      retSlot: 4,
      decides: and(hasBits(ctxArg(2), PROT_EXEC), mapped.fileless),
      item: u32(e("PW_EXEC_ANONYMOUS_MEMORY")),
      ino: mapped.ino,
      ruleOnly: true,
    },
    {
      program: "pw_file_mprotect",
      hook: "PW_EH_FILE_MPROTECT",
      cls: "PW_CLASS_EXEC",
      retSlot: 3,
      decides: and(
        hasBits(ctxArg(2), PROT_EXEC),
        not(hasBits(read(vma, "vm_area_struct", "vm_flags"), VM_EXEC)),
        protected_.fileless,
      ),
      item: u32(e("PW_EXEC_ANONYMOUS_MEMORY")),
      ino: protected_.ino,
      ruleOnly: true,
    },
  ];
}

function itemSpec(layout: Layout, obj: ObjectSpec, item: ItemRequest): FunctionalSpec {
  const m = new ItemModel(layout, obj, item);
  const op = u32(0n);
  return {
    program: item.program,
    clauses: decisionClauses(m, m.request()),
    explore: EXPLORE,
    witnesses: witnessConfigs(layout, obj),
    opaque: [m.policy.bestOfAll(m.res, op)],
    lemmas: [identitySlots(m), bestLemma(m, "item-best", 0, m.res, op)],
  };
}

export function enforceProcSpecs(layout: Layout, obj: ObjectSpec): FunctionalSpec[] {
  return itemRequests(layout).map((item) => itemSpec(layout, obj, item));
}
