// Functional specification of enforce_sock (bpf/enforce_sock.bpf.c): each
// hook's verdict is the decision the policy maps encode for its request
// (hook-decision.ts), over the same map-lookup terms the executor builds.
// pw_socket_create decides (family, type) and (family, any type); the unix
// hooks decide the socket file the peer is bound to, by its pw_objects id.
// Constants the object's BTF does not carry: SOCK_TYPE_MASK, PW_OP_ANY_TYPE,
// AF_UNIX.
import type { ObjectSpec } from "../object/index.js";
import { add, and, bin, bv, extract, ite, not, type Term } from "../vc/index.js";
import { ctxArg, kernelRead } from "./inputs.js";
import type { Layout } from "./layout.js";
import { DecisionModel, decisionClauses, type DecidedRequest } from "./hook-decision.js";
import { EXPLORE, bestLemma, identitySlots, witnessConfigs } from "./decision-proof.js";
import { isZero, ugt } from "./policy-model.js";
import type { FunctionalSpec } from "./spec.js";

const SOCK_TYPE_MASK = 0xfn;
const PW_OP_ANY_TYPE = 0xffn;
const AF_UNIX = 1n;

const u32 = (n: bigint) => bv(n, 32);
const andBits = (a: Term, b: Term) => bin("bvand", a, b);

/** The terms of one socket_create request and its decision. */
export class SocketCreateModel extends DecisionModel {
  readonly family = ctxArg(0, 4);
  readonly type = ctxArg(1, 4);
  readonly protocol = ctxArg(2, 4);
  readonly kern = ctxArg(3, 4);
  readonly ret = ctxArg(4, 4);
  readonly typeOp: Term;
  readonly typed: Term;
  readonly any: Term;
  readonly score: Term;

  constructor(layout: Layout, obj: ObjectSpec) {
    super(layout, obj, "PW_CLASS_SOCKETS");
    this.typeOp = andBits(this.type, u32(SOCK_TYPE_MASK));
    this.typed = this.policy.bestScore(this.family, this.typeOp);
    this.any = this.policy.bestScore(this.family, u32(PW_OP_ANY_TYPE));
    this.score = ite(ugt(this.typed, this.any), this.typed, this.any);
  }

  /** The request is one the hook decides: no earlier verdict, not the kernel's own socket. */
  decided(): Term {
    return and(isZero(this.ret), isZero(this.kern));
  }

  is(outcome: string): Term {
    return this.scoreIs(this.score, outcome);
  }

  request(): DecidedRequest {
    return {
      hook: "PW_EH_SOCKET_CREATE",
      decided: this.decided(),
      passed: this.ret,
      passName: "prior-verdict-or-kernel-passes",
      score: this.score,
      fields: [
        ["op", this.typeOp],
        ["family", extract(7, 0, this.family)],
        ["protocol", extract(7, 0, this.protocol)],
      ],
    };
  }
}

/** Which unix hook: stream connect gets the peer's sock, may_send its socket. */
export type UnixHook = "pw_unix_stream_connect" | "pw_unix_may_send";

/** The terms of one unix-socket request: the file the peer is bound to, and its decision. */
export class UnixConnectModel extends DecisionModel {
  readonly ret: Term;
  readonly peer: Term;
  readonly dentry: Term;
  readonly inode: Term;
  readonly ino: Term;
  readonly dev: Term;
  /** the socket file's pw_objects id (0: not named), looked up only when the config has shapes */
  readonly res: Term;
  readonly score: Term;

  constructor(
    layout: Layout,
    obj: ObjectSpec,
    readonly hook: UnixHook,
  ) {
    super(layout, obj, "PW_CLASS_UNIX");
    const read = (ptr: Term, struct: string, field: string) => {
      const f = layout.field(struct, field);
      return kernelRead(add(ptr, bv(BigInt(f.offset), 64)), f.size);
    };
    const stream = hook === "pw_unix_stream_connect";
    this.ret = ctxArg(stream ? 3 : 2, 4);
    this.peer = stream ? ctxArg(1) : read(ctxArg(1), "socket", "sk");
    this.dentry = read(this.peer, "unix_sock", "path.dentry");
    this.inode = ite(isZero(this.dentry), bv(0n, 64), read(this.dentry, "dentry", "d_inode"));
    this.ino = read(this.inode, "inode", "i_ino");
    this.dev = read(read(this.inode, "inode", "i_sb"), "super_block", "s_dev");
    this.res = this.policy.objectId("PW_OBJ_FILE", this.ino, this.dev);
    this.score = this.namedScore(this.res, u32(0n));
  }

  /** No earlier verdict, and the peer is bound to a file (abstract and unbound sockets are not requests). */
  decided(): Term {
    return and(isZero(this.ret), not(isZero(this.inode)));
  }

  request(): DecidedRequest {
    return {
      hook:
        this.hook === "pw_unix_stream_connect"
          ? "PW_EH_UNIX_STREAM_CONNECT"
          : "PW_EH_UNIX_MAY_SEND",
      decided: this.decided(),
      passed: this.ret,
      passName: "prior-verdict-or-unbound-passes",
      score: this.score,
      fields: [
        ["op", u32(0n)],
        ["family", bv(AF_UNIX, 8)],
        ["protocol", bv(0n, 8)],
        ["ino", this.ino],
        ["dev", this.dev],
      ],
    };
  }
}

function socketCreateSpec(layout: Layout, obj: ObjectSpec): FunctionalSpec {
  const m = new SocketCreateModel(layout, obj);
  const anyOp = u32(PW_OP_ANY_TYPE);
  return {
    program: "pw_socket_create",
    clauses: decisionClauses(m, m.request()),
    explore: EXPLORE,
    witnesses: witnessConfigs(layout, obj),
    opaque: [m.policy.bestOfAll(m.family, m.typeOp), m.policy.bestOfAll(m.family, anyOp)],
    lemmas: [
      identitySlots(m),
      bestLemma(m, "typed-best", 0, m.family, m.typeOp),
      bestLemma(m, "any-type-best", 1, m.family, anyOp),
    ],
  };
}

function unixSpec(layout: Layout, obj: ObjectSpec, hook: UnixHook): FunctionalSpec {
  const m = new UnixConnectModel(layout, obj, hook);
  return {
    program: hook,
    clauses: decisionClauses(m, m.request()),
    explore: EXPLORE,
    witnesses: witnessConfigs(layout, obj),
    opaque: [m.policy.bestOfAll(m.res, u32(0n))],
    lemmas: [identitySlots(m), bestLemma(m, "file-best", 0, m.res, u32(0n))],
  };
}

export function enforceSockSpecs(layout: Layout, obj: ObjectSpec): FunctionalSpec[] {
  return [
    socketCreateSpec(layout, obj),
    unixSpec(layout, obj, "pw_unix_stream_connect"),
    unixSpec(layout, obj, "pw_unix_may_send"),
  ];
}
