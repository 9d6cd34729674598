// Whether a solver's model is a real counterexample: it drives some path to
// the obligation's slot and falsifies the check there, by the term evaluator
// (the reference the interpreter is tested against), not by the solver's word.
import { evalBool, type Assignment, type Obligation } from "../vc/index.js";

export function confirms(ob: Obligation, model: Assignment): boolean {
  return ob.cases.some((c) => {
    try {
      return evalBool(c.path, model) && !evalBool(c.safe, model);
    } catch {
      return false;
    }
  });
}
