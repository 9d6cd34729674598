// The real SystemView: this machine's files and kernel.
import { existsSync, readFileSync } from "node:fs";
import { release } from "node:os";
import { gunzipSync } from "node:zlib";
import type { SystemView } from "./checks.js";
import { BpfObject, libbpfVersion } from "../kernel/index.js";
import { bpfObjectPath } from "../paths.js";
import { kernelShape, type KernelShape } from "../enforce/kernel-shape.js";

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function kernelConfig(): string | undefined {
  try {
    return gunzipSync(readFileSync("/proc/config.gz")).toString("utf8");
  } catch {
    return readText(`/boot/config-${release()}`);
  }
}

/** Loading is the kernel's own verdict; the program is never attached here. */
function probeLsmLoad(): Error | undefined {
  try {
    using obj = BpfObject.open(bpfObjectPath("file_guard"));
    obj.load();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function readKernelShape(): KernelShape | Error {
  try {
    return kernelShape();
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

export const thisMachine: SystemView = {
  readText,
  exists: existsSync,
  kernelConfig,
  libbpfVersion: () => {
    try {
      return libbpfVersion();
    } catch {
      return undefined;
    }
  },
  probeLsmLoad,
  kernelShape: readKernelShape,
};
