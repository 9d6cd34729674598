import { test } from "node:test";
import assert from "node:assert/strict";
import { runChecks, type SystemView } from "./checks.js";
import { judge, renderReport } from "./report.js";
import { KernelError } from "../kernel/errors.js";
import { thisMachine } from "./system.js";
import { PATH_HOOKS, type KernelShape } from "../enforce/kernel-shape.js";

/** A kernel shape with the given path_* hooks (all of them by default). */
function shape(pathHooks: readonly string[] = PATH_HOOKS): KernelShape {
  return { setattrDentryArg: 0, bpfVerdictArg: 3, pathHooks: new Set(pathHooks) };
}

function machine(files: Record<string, string>, over: Partial<SystemView> = {}): SystemView {
  return {
    readText: (p) => files[p],
    exists: (p) => p in files,
    kernelConfig: () => "CONFIG_BPF_LSM=y\n",
    libbpfVersion: () => "v1.1",
    probeLsmLoad: () => undefined,
    kernelShape: () => shape(),
    ...over,
  };
}

const capable = "CapEff:\t000001ffffffffff\n";
const good = {
  "/sys/kernel/security/lsm": "lockdown,capability,landlock,bpf",
  "/sys/kernel/security/lockdown": "[none] integrity confidentiality\n",
  "/sys/kernel/btf/vmlinux": "",
  "/proc/self/status": capable,
};

test("a machine with BPF LSM, BTF and root can enforce", () => {
  const report = judge(runChecks(machine(good)));
  assert.equal(report.canEnforce, true, renderReport(report));
  assert.ok(report.checks.every((c) => c.status === "ok"));
});

test("a kernel that refuses LSM programs is reported with the errno, pointing to the VM", () => {
  const report = judge(
    runChecks(
      machine(good, { probeLsmLoad: () => new KernelError({ op: "load object", errno: 1 }) }),
    ),
  );
  assert.equal(report.canEnforce, false);
  const load = report.checks.find((c) => c.name === "kernel accepts an LSM program");
  assert.equal(load?.status, "fail");
  assert.match(load?.detail ?? "", /refused to load an LSM program \(EPERM\)/);
  assert.match(report.advice, /test VM/);
});

test("bpf missing from the LSM list fails and says how to boot", () => {
  const report = judge(
    runChecks(machine({ ...good, "/sys/kernel/security/lsm": "lockdown,capability,apparmor" })),
  );
  const lsm = report.checks.find((c) => c.name === "BPF LSM active");
  assert.equal(lsm?.status, "fail");
  assert.match(lsm?.detail ?? "", /lsm=\.\.\.,bpf/);
});

test("without securityfs the boot line decides", () => {
  const { "/sys/kernel/security/lsm": _gone, ...rest } = good;
  const off = runChecks(machine({ ...rest, "/proc/cmdline": "quiet lsm=landlock,apparmor" }))[0];
  assert.equal(off?.status, "fail");
  const on = runChecks(machine({ ...rest, "/proc/cmdline": "lsm=lockdown,bpf quiet" }))[0];
  assert.equal(on?.status, "ok");
});

test("lockdown confidentiality, missing BTF and missing capabilities each fail", () => {
  const checks = runChecks(
    machine({
      "/sys/kernel/security/lsm": "bpf",
      "/sys/kernel/security/lockdown": "none integrity [confidentiality]\n",
      "/proc/self/status": "CapEff:\t0000000000000000\n",
    }),
  );
  const failed = checks.filter((c) => c.status === "fail").map((c) => c.name);
  assert.deepEqual(failed, ["kernel BTF", "lockdown", "capabilities"]);
});

const pathCheck = (sys: SystemView) => runChecks(sys).find((c) => c.name === "path_* LSM hooks");

test("a kernel with the path_* hooks is reported as crossing mounts for create, delete, rename, link and setattr", () => {
  const check = pathCheck(machine(good));
  assert.equal(check?.status, "ok");
  assert.match(check?.detail ?? "", /all 10 present \(CONFIG_SECURITY_PATH\)/);
  assert.match(check?.detail ?? "", /reach filesystems mounted beneath it/);
});

test("a kernel without the path_* hooks warns what is lost, and can still enforce", () => {
  const report = judge(runChecks(machine(good, { kernelShape: () => shape([]) })));
  const check = report.checks.find((c) => c.name === "path_* LSM hooks");
  assert.equal(check?.status, "warn");
  assert.match(check?.detail ?? "", /built without CONFIG_SECURITY_PATH/);
  assert.match(
    check?.detail ?? "",
    /create, delete, rename, link and setattr rules stop at the root of the file's own filesystem/,
  );
  assert.equal(report.canEnforce, true, renderReport(report));
  assert.match(renderReport(report), /^warn {2}path_\* LSM hooks/m);
});

test("a kernel with some of the path_* hooks names the missing ones; an unreadable BTF is unknown", () => {
  const some = pathCheck(machine(good, { kernelShape: () => shape(["path_mknod", "path_mkdir"]) }));
  assert.equal(some?.status, "warn");
  assert.match(some?.detail ?? "", /^missing path_symlink, path_unlink, .*path_truncate: /);
  assert.doesNotMatch(some?.detail ?? "", /path_mknod|path_mkdir/);
  const unread = pathCheck(
    machine(good, { kernelShape: () => new Error("read kernel btf: ENOENT") }),
  );
  assert.equal(unread?.status, "warn");
  assert.match(unread?.detail ?? "", /^unknown \(read kernel btf: ENOENT\)/);
});

test("on this machine the verdict follows the kernel's own answer to an LSM load", () => {
  const report = judge(runChecks(thisMachine));
  const load = report.checks.find((c) => c.name === "kernel accepts an LSM program");
  assert.ok(load);
  if (load.status === "fail") {
    assert.equal(report.canEnforce, false);
    assert.match(renderReport(report), /cannot enforce.*test VM/s);
  }
});
