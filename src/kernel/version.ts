import { native } from "./ffi/libbpf.js";

/** The version of the system libbpf this process is bound to, e.g. "v1.1". */
export function libbpfVersion(): string {
  return native.libbpf_version_string() as string;
}
