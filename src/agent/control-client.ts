// The CLI side of the control socket: send one request line, read answer
// lines. An agent that cannot be reached is a result, not an exception, so
// every command can map it to its exit code.
import { connect } from "node:net";
import { encodeLine, type ControlRequest } from "./wire.js";

export type Answer =
  | { readonly ok: true; readonly [k: string]: unknown }
  | { readonly ok: false; readonly error: string };

export type Exchange =
  | { readonly kind: "answered"; readonly answer: Answer }
  | { readonly kind: "unreachable"; readonly reason: string };

/**
 * Sends `req` and passes every answer line to `onAnswer` until it returns
 * "done" or the agent closes the connection. Resolves with the last answer.
 */
export function converse(
  socketPath: string,
  req: ControlRequest,
  onAnswer: (a: Answer) => "more" | "done",
): Promise<Exchange> {
  return new Promise((resolve) => {
    let last: Answer | null = null;
    let buffered = "";
    const s = connect(socketPath);
    const finish = () => {
      s.destroy();
      resolve(
        last
          ? { kind: "answered", answer: last }
          : {
              kind: "unreachable",
              reason: `control ${socketPath}: connection closed without an answer`,
            },
      );
    };
    s.on("connect", () => s.write(encodeLine(req)));
    s.on("error", (e: NodeJS.ErrnoException) => {
      if (last) return finish();
      s.destroy();
      resolve({ kind: "unreachable", reason: `control ${socketPath}: ${e.code ?? e.message}` });
    });
    s.on("close", finish);
    s.on("data", (chunk) => {
      buffered += chunk.toString("utf8");
      for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
        last = JSON.parse(buffered.slice(0, nl)) as Answer;
        buffered = buffered.slice(nl + 1);
        if (onAnswer(last) === "done") return finish();
      }
    });
  });
}

/** One request, one answer. */
export function ask(socketPath: string, req: ControlRequest): Promise<Exchange> {
  return converse(socketPath, req, () => "done");
}
