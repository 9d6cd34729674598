// A solver model turned into a concrete Request, and the confirmation that
// the image and decide() really disagree on it: the lookup model of
// src/compile reads the image's bytes, decide() reads the policy. Only a
// confirmed disagreement is ever reported.
import type { MapImage } from "../../compile/image.js";
import { modelDecide, modelMaps, type ModelMaps } from "../../compile/lookup-model.js";
import { decide } from "../../policy/decide.js";
import type { Action, Policy } from "../../policy/model.js";
import type { Request } from "../../policy/request.js";

export interface Outcome {
  readonly action: Action;
  readonly ruleId: string | null;
}

export interface Difference {
  readonly request: Request;
  readonly expected: Outcome;
  readonly encoded: Outcome;
}

export class Confirmer {
  private readonly maps: ModelMaps;

  constructor(
    private readonly policy: Policy,
    private readonly image: MapImage,
  ) {
    this.maps = modelMaps(image);
  }

  /** The difference on `q`, or null when both sides decide alike. */
  check(q: Request): Difference | null {
    const want = decide(this.policy, q);
    const got = modelDecide(this.maps, q);
    const gotId = got.rule === null ? null : (this.image.ruleIds[got.rule] ?? `#${got.rule}`);
    if (want.action === got.action && want.ruleId === gotId) return null;
    return {
      request: q,
      expected: { action: want.action, ruleId: want.ruleId },
      encoded: { action: got.action, ruleId: gotId },
    };
  }
}
