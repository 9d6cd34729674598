// What each named prefix holds on both sides: the image's trie entries with
// exactly that CIDR, and the policy's network rules naming it, with the port
// ranges the two name there (which cut the port line, net-space.ts).
import type { Cidr } from "../../policy/cidr.js";
import type { Policy, Rule } from "../../policy/model.js";
import type { PortRange } from "../../policy/ports.js";
import { ALL_PORTS, AddressSpace, keyOf } from "./net-space.js";
import type { NetEntry, NetTables } from "./net-tables.js";

export class NetIndex {
  private readonly rules = new Map<string, Rule[]>();
  readonly space: AddressSpace;

  constructor(
    policy: Policy,
    private readonly net: NetTables,
  ) {
    const prefixes: Cidr[] = [...net.entries];
    for (const rule of policy.rules) {
      if (rule.resource.kind !== "network") continue;
      for (const c of rule.resource.cidrs) {
        prefixes.push(c);
        const list = this.rules.get(keyOf(c));
        if (list === undefined) this.rules.set(keyOf(c), [rule]);
        else if (list[list.length - 1] !== rule) list.push(rule);
      }
    }
    this.space = new AddressSpace(prefixes);
  }

  rulesAt(c: Cidr): readonly Rule[] {
    return this.rules.get(keyOf(c)) ?? [];
  }

  entriesAt(c: Cidr): readonly NetEntry[] {
    return this.net.byCidr.get(keyOf(c)) ?? [];
  }

  /** The port ranges named at `c`: its entries' rows and its rules' ports (all, when none). */
  rangesAt(c: Cidr): PortRange[] {
    const out: PortRange[] = this.entriesAt(c).flatMap((e) => e.rows);
    for (const rule of this.rulesAt(c))
      if (rule.resource.kind === "network") out.push(...(rule.resource.ports ?? ALL_PORTS));
    return out;
  }
}
