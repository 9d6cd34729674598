// A small s-expression reader for solver answers (check-sat and get-value),
// and the SMT-LIB literal forms of bitvector and boolean values.

export type SExpr = string | readonly SExpr[];

export function parseSExprs(text: string): SExpr[] {
  const tokens = text.match(/\(|\)|\|[^|]*\||"(?:[^"]|"")*"|[^\s()|"]+/g) ?? [];
  let i = 0;
  const read = (): SExpr => {
    const tok = tokens[i++];
    if (tok === undefined) throw new Error("smt: unexpected end of solver output");
    if (tok !== "(") return tok;
    const list: SExpr[] = [];
    while (tokens[i] !== ")") {
      if (i >= tokens.length) throw new Error("smt: unbalanced solver output");
      list.push(read());
    }
    i++;
    return list;
  };
  const out: SExpr[] = [];
  while (i < tokens.length) out.push(read());
  return out;
}

/** A bitvector or boolean literal: #x.., #b.., (_ bvN w), true, false. */
export function literalValue(e: SExpr): bigint | boolean | undefined {
  if (e === "true") return true;
  if (e === "false") return false;
  if (typeof e === "string") {
    if (e.startsWith("#x")) return BigInt(`0x${e.slice(2)}`);
    if (e.startsWith("#b")) return BigInt(`0b${e.slice(2)}`);
    return undefined;
  }
  const [u, bvn] = e;
  if (u === "_" && typeof bvn === "string" && bvn.startsWith("bv")) return BigInt(bvn.slice(2));
  return undefined;
}
