// `proofwall vm`: boot the test VM (Debian 6.1 kernel with BPF LSM) and run a
// command in it, or prepare the VM's kernel and initramfs ahead of time.
import type { Command } from "commander";

function fail(e: unknown): never {
  const msg = e instanceof Error ? e.message : String(e);
  const kind = typeof e === "object" && e !== null && "kind" in e ? ` [${String(e.kind)}]` : "";
  process.stderr.write(`proofwall vm${kind}: ${msg}\n`);
  process.exit(125);
}

async function run(argv: string[], opts: { timeout: string }): Promise<void> {
  const { runInVm } = await import("../vm/index.js");
  const seconds = Number(opts.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0)
    fail(new Error(`vm run: --timeout must be a positive number, got ${opts.timeout}`));
  try {
    const r = await runInVm({
      argv,
      timeoutMs: seconds * 1000,
      onStdout: (t) => process.stdout.write(t),
      onStderr: (t) => process.stderr.write(t),
      onLog: (l) => process.stderr.write(`${l}\n`),
    });
    process.stderr.write(
      `vm: boot ${(r.bootMs / 1000).toFixed(1)}s, total ${(r.totalMs / 1000).toFixed(1)}s (${r.accel})\n`,
    );
    process.exitCode = r.exitCode;
  } catch (e) {
    fail(e);
  }
}

async function prepare(): Promise<void> {
  const { prepareVmImage, chooseAccel } = await import("../vm/index.js");
  try {
    const image = await prepareVmImage((l) => process.stderr.write(`${l}\n`));
    const accel = await chooseAccel();
    process.stdout.write(
      `vm: ready: ${image.pkg.name} ${image.pkg.version} (${accel})\n  kernel ${image.kernel}\n  initrd ${image.initrd}\n`,
    );
  } catch (e) {
    fail(e);
  }
}

export function register(program: Command): void {
  const vm = program
    .command("vm")
    .description("the test VM: a Debian 6.1 kernel with BPF LSM under qemu");
  vm.command("run")
    .description(
      "boot the VM, run a command as root in it (cwd and output carried over), exit with its code",
    )
    .option("--timeout <seconds>", "kill the VM after this many seconds", "900")
    .argument("<command...>", "the command and its arguments (put them after --)")
    .action((argv: string[], opts: { timeout: string }) => run(argv, opts));
  vm.command("prepare")
    .description("download the kernel and build the initramfs without booting")
    .action(() => prepare());
}
