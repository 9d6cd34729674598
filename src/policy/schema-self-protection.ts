// spec.selfProtection: what a sealed agent's kernel-wide seal switches leave
// to the policy. Only a signed apply reaches a sealed agent, so relaxing the
// seal is a signed change (docs/threat-model.md, "Seal switches").
import { z } from "zod";

/** What a policy may take out of the seal: module loading, kexec, the integrity lockdown reasons. */
export const SEAL_RELAXATIONS = ["modules", "kexec", "lockdown"] as const;
export type SealRelaxation = (typeof SEAL_RELAXATIONS)[number];

export const selfProtectionSchema = z
  .strictObject({
    allow: z.array(z.enum(SEAL_RELAXATIONS)).meta({
      description:
        "Seal switches this policy turns off while the agent is sealed; the policy's own rules " +
        "(moduleLoad) then decide. Omitted or []: the seal refuses all of them to everyone but the agent.",
    }),
  })
  .meta({ description: "How the sealed agent's kernel-wide switches apply under this policy." });

export type SelfProtectionDoc = z.output<typeof selfProtectionSchema>;
