// The records enforce_proc adds to pw_policy.h, against its own BTF: the
// ptrace modes that are the items of ptrace rules, and the hooks it reports.
// (Layouts shared with enforce_file are checked in policy-abi.test.ts.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { objectBtf } from "../verifier/btf/test-support.js";
import { findType } from "../verifier/btf/index.js";
import { bpfObjectPath } from "../paths.js";
import { PwExecItem, PwObjectKind, PwPtraceMode } from "./policy-records.js";
import { EnforceHook, ENFORCE_HOOK_COUNT } from "./decision.js";

const btf = objectBtf(bpfObjectPath("enforce_proc"));

function enumValues(name: string): Record<string, number> {
  const e = findType(btf, name, "enum");
  assert.ok(e, `enum ${name} is in enforce_proc's BTF`);
  return Object.fromEntries(e.values.map((v) => [v.name, v.value]));
}

test("enum pw_ptrace_mode", () => {
  assert.deepEqual(enumValues("pw_ptrace_mode"), {
    PW_PTRACE_READ: PwPtraceMode.read,
    PW_PTRACE_ATTACH: PwPtraceMode.attach,
  });
});

test("enum pw_exec_item", () => {
  assert.deepEqual(enumValues("pw_exec_item"), {
    PW_EXEC_MEMFD: PwExecItem.memfd,
    PW_EXEC_ANONYMOUS_MEMORY: PwExecItem.anonymousMemory,
  });
});

test("enum pw_object_kind has the resource kind", () => {
  assert.equal(enumValues("pw_object_kind").PW_OBJ_RESOURCE, PwObjectKind.resource);
});

test("the process hooks and the counter size", () => {
  const c = enumValues("pw_enforce_hook");
  assert.equal(c.PW_EH_COUNT, ENFORCE_HOOK_COUNT);
  for (const [name, v] of Object.entries({
    PW_EH_BPRM_CHECK: EnforceHook.bprmCheck,
    PW_EH_CAPABLE: EnforceHook.capable,
    PW_EH_PTRACE_ACCESS: EnforceHook.ptraceAccess,
    PW_EH_SB_MOUNT: EnforceHook.sbMount,
    PW_EH_MOVE_MOUNT: EnforceHook.moveMount,
    PW_EH_KERNEL_READ_FILE: EnforceHook.kernelReadFile,
    PW_EH_KERNEL_LOAD_DATA: EnforceHook.kernelLoadData,
    PW_EH_KERNEL_MODULE_REQUEST: EnforceHook.kernelModuleRequest,
    PW_EH_MMAP_FILE: EnforceHook.mmapFile,
    PW_EH_FILE_MPROTECT: EnforceHook.fileMprotect,
  }))
    assert.equal(c[name], v, name);
});
