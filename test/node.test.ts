// The conformance suite on node: with its native adapter.
import { expect, test } from "vitest";
import { runSuite } from "./_spawn.js";

const adapters = ["node"];

for (const adapter of adapters) {
  test(`conformance suite: node runtime, ${adapter} adapter`, async () => {
    const r = await runSuite("node", adapter);
    // The per-runtime count, in the test log.
    console.log(r.summary);
    if (r.failed !== 0 || r.code !== 0) console.log(r.output);
    expect(r.code).toBe(0);
    expect(r.failed).toBe(0);
    expect(r.passed).toBeGreaterThan(50);
  });
}
