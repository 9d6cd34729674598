import assert from "node:assert/strict";
import { test } from "node:test";
import { kernelCommandLine, qemuArgs, qemuEscape } from "./qemu.js";

const spec = {
  kernel: "/k",
  initrd: "/i",
  accel: "tcg" as const,
  jobDir: "/tmp/j,1",
  consoleLog: "/tmp/c.log",
};

test("the kernel command line enables BPF LSM and fails fast", () => {
  const cmd = kernelCommandLine();
  assert.match(cmd, /lsm=lockdown,capability,landlock,bpf/);
  assert.match(cmd, /panic=-1/);
  assert.match(cmd, /console=ttyS0/);
});

test("qemu gets the host root read-only and the job dir writable", () => {
  const args = qemuArgs(spec);
  const virtfs = args.filter((_, i) => args[i - 1] === "-virtfs");
  assert.equal(virtfs.length, 2);
  assert.match(
    virtfs[0] ?? "",
    /^local,path=\/,mount_tag=pwroot,security_model=none,readonly=on,multidevs=remap$/,
  );
  assert.match(virtfs[1] ?? "", /^local,path=\/tmp\/j,,1,mount_tag=pwjob,/);
  assert.doesNotMatch(virtfs[1] ?? "", /readonly/);
  assert.ok(args.includes("-no-reboot"));
  assert.deepEqual(args.slice(args.indexOf("-m"), args.indexOf("-m") + 2), ["-m", "2048"]);
  assert.deepEqual(args.slice(args.indexOf("-smp"), args.indexOf("-smp") + 2), ["-smp", "2"]);
  assert.equal(args[args.indexOf("-accel") + 1], "tcg");
});

test("commas in paths are escaped for qemu", () => {
  assert.equal(qemuEscape("a,b,,c"), "a,,b,,,,c");
});
