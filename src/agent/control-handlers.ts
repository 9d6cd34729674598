// What each control request does. The transport (control-server.ts) has
// already checked the peer and parsed the line; handlers answer through
// `send`, once for most requests and once per event for `events`.
import { decide } from "../policy/index.js";
import { assertNever } from "../policy/index.js";
import { refreshingAccounts, type Accounts } from "./accounts.js";
import type { Daemon } from "./daemon.js";
import type { Enforcer } from "./enforcer.js";
import { knownPaths, nameEvent } from "./event-names.js";
import type { PathNamer } from "./path-namer.js";
import { resolveQuery, type ExplainDeps } from "./explain-query.js";
import { NoKernelEnforcer } from "./no-kernel-enforcer.js";
import type { SignedControl } from "./signed-control.js";
import type { ControlRequest, ExplainQuery } from "./wire.js";

export interface HandlerContext {
  readonly daemon: Daemon;
  readonly enforcer: Enforcer;
  readonly accounts: () => Accounts;
  readonly explainDeps: () => ExplainDeps;
  /** Names executables an event could not name as it arrived (the process had exited). */
  readonly namer?: PathNamer;
  /** Runs once the uninstall answer is on its way: the agent exits. */
  readonly afterUninstall?: () => void;
  /** Signed policies and unseal requests; without it both are refused. */
  readonly signed?: SignedControl;
}

export interface Reply {
  send(value: unknown): void;
  /** Called once when the client goes away (streams unsubscribe here). */
  onClose(f: () => void): void;
}

async function explain(ctx: HandlerContext, query: ExplainQuery): Promise<unknown> {
  const current = ctx.daemon.policy();
  if (current === null) return { ok: false, error: "explain: no policy has been applied" };
  const resolved = resolveQuery(ctx.explainDeps(), query);
  if (resolved.kind === "error") return { ok: false, error: resolved.reason };
  const decision = decide(current.policy, resolved.request);
  const rule = current.policy.rules.find((r) => r.id === decision.ruleId) ?? null;
  const ruleAction = rule?.action ?? null;
  const live = ctx.enforcer.explain ? await ctx.enforcer.explain(resolved.request) : null;
  if (live?.kind === "live") {
    // The kernel's answer comes from the maps; decide() supplies the reason and a cross-check.
    const agrees = live.action === decision.action && live.ruleId === decision.ruleId;
    const kernel = { action: live.action, ruleId: live.ruleId };
    return {
      ok: true,
      source: "live-maps",
      policy: live.policy,
      decision,
      live: kernel,
      agrees,
      ruleAction,
    };
  }
  return { ok: true, source: "policy", policy: current.meta, decision, ruleAction };
}

function events(ctx: HandlerContext, follow: boolean, reply: Reply): void {
  const accounts = refreshingAccounts(ctx.accounts);
  const known = () => knownPaths(ctx.daemon.policy()?.policy ?? null);
  const paths = known();
  for (const e of ctx.daemon.recentEvents())
    reply.send({ ok: true, event: nameEvent(e, accounts, paths, ctx.namer) });
  if (!follow) {
    reply.send({ ok: true, end: true });
    return;
  }
  const stop = ctx.daemon.subscribe((e) =>
    reply.send({ ok: true, event: nameEvent(e, accounts, known(), ctx.namer) }),
  );
  reply.onClose(stop);
}

function simulate(ctx: HandlerContext, req: Extract<ControlRequest, { op: "simulate" }>): unknown {
  if (!(ctx.enforcer instanceof NoKernelEnforcer))
    return {
      ok: false,
      error: "simulate: only an agent started with --no-kernel simulates requests",
    };
  const resolved = resolveQuery(ctx.explainDeps(), req.query);
  if (resolved.kind === "error") return { ok: false, error: resolved.reason };
  ctx.enforcer.simulate(resolved.request, { pid: req.pid, comm: req.comm });
  return { ok: true };
}

const NO_SIGNED = "this agent takes no signed requests";

export async function handle(
  ctx: HandlerContext,
  req: ControlRequest,
  reply: Reply,
): Promise<void> {
  switch (req.op) {
    case "status":
      return reply.send({ ok: true, status: ctx.daemon.status() });
    case "apply":
      return reply.send({ ok: true, outcome: await ctx.daemon.applyText(req.files) });
    case "explain":
      return reply.send(await explain(ctx, req.query));
    case "events":
      return events(ctx, req.follow, reply);
    case "uninstall": {
      const refusal = ctx.signed?.uninstallRefusal() ?? null;
      if (refusal !== null) return reply.send({ ok: false, error: refusal });
      await ctx.daemon.uninstall();
      reply.send({ ok: true });
      return ctx.afterUninstall?.();
    }
    case "apply-signed":
      if (!ctx.signed) return reply.send({ ok: false, error: NO_SIGNED });
      return reply.send({ ok: true, outcome: await ctx.signed.applyPolicy(req.envelope) });
    case "unseal":
      if (!ctx.signed) return reply.send({ ok: false, error: NO_SIGNED });
      return reply.send(await ctx.signed.unseal(req.envelope));
    case "simulate":
      return reply.send(simulate(ctx, req));
    default:
      return assertNever(req);
  }
}
