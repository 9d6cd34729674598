// Why3 identifiers for the names of the term language. Input variables carry
// @, #, : and dots (`null:counts@5#3`); Why3 wants lowercase identifiers.
// Names are assigned in first-use order with a prefix per category, so the
// text is the same for the same obligations whatever the process built
// before (hash-cons ids are never printed), and a suffix keeps two names that
// sanitize alike apart.

export class NameTable {
  private readonly byKey = new Map<string, string>();
  private readonly used = new Set<string>();

  /** The identifier of `name` in `category` ("v" for variables, "f" for functions). */
  get(category: string, name: string): string {
    const key = `${category}:${name}`;
    const found = this.byKey.get(key);
    if (found !== undefined) return found;
    const base = `${category}_${sanitize(name)}`;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    this.byKey.set(key, id);
    return id;
  }
}

export const sanitize = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "") || "x";

/** A goal name from an obligation id: `stack-bounds@12` -> `stack_bounds_at_12`. */
export const goalName = (id: string): string => sanitize(id.replace(/@/g, "_at_"));

/** A module name from a program name: `pw_file_open` -> `Pw_file_open`. */
export const moduleName = (program: string): string => {
  const s = sanitize(program);
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}`;
};
