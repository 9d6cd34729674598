import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FileTail } from "./tail.js";

test("FileTail delivers appended text once, even split inside a UTF-8 character", () => {
  const f = join(mkdtempSync(join(tmpdir(), "pw-tail-")), "out");
  writeFileSync(f, "");
  const seen: string[] = [];
  const t = new FileTail(f, (s) => seen.push(s));
  const euro = Buffer.from("€"); // 3 bytes
  appendFileSync(f, Buffer.concat([Buffer.from("a"), euro.subarray(0, 1)]));
  t.poll();
  appendFileSync(f, Buffer.concat([euro.subarray(1), Buffer.from("b\n")]));
  t.poll();
  t.poll();
  assert.equal(t.finish(), "a€b\n");
  assert.deepEqual(seen, ["a", "€b\n"]);
});
