// --kernel-btf for the commands that prove: which kernel's hook signatures a
// proof is about. A file (raw BTF, or a vmlinux with .BTF), or "vm" for the
// test VM's kernel, the Debian kernel the kernel suites run on.
import type { Command } from "commander";
import { useKernelBtf } from "../verifier/btf/index.js";
import { EXIT } from "./verify.js";

/** The kernel BTF file a --kernel-btf value names ("vm": the test VM kernel's vmlinux). */
export async function resolveKernelBtf(source: string): Promise<string> {
  if (source !== "vm") return source;
  const { prepareVmImage } = await import("../vm/image.js");
  return (await prepareVmImage()).kernel;
}

export function withKernelBtf(command: Command): Command {
  return command
    .option(
      "--kernel-btf <file>",
      "hook signatures from this kernel BTF (raw BTF or a vmlinux; \"vm\": the test VM's kernel) instead of the running kernel's",
    )
    .hook("preAction", async (cmd) => {
      const source = (cmd.opts() as { kernelBtf?: string }).kernelBtf;
      if (source === undefined) return;
      try {
        useKernelBtf(await resolveKernelBtf(source));
      } catch (e) {
        process.stderr.write(
          `${cmd.name()}: --kernel-btf: ${e instanceof Error ? e.message : String(e)}\n`,
        );
        process.exit(EXIT.usage);
      }
    });
}
