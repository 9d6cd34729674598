// Source paths as reports show them: BTF line info records the path clang
// was given (often absolute), so reports make it relative to a root (the
// working directory) when it lies below it.
import { isAbsolute, relative, sep } from "node:path";

export function displayPath(file: string, root: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(root, file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel.split(sep).join("/");
}
