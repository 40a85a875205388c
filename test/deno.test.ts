// The conformance suite on deno: with its native adapter and with the Node adapter (node:net
// under deno), and once more with --unstable-net, where UDP runs on Deno.listenDatagram
// (without the flag the deno adapter's UDP is node:dgram).
import { expect, test } from "vitest";
import { runSuite } from "./_spawn.js";

const configs: [adapter: string, flags: string[]][] = [
  ["deno", []],
  ["node", []],
  ["deno", ["--unstable-net"]],
];

for (const [adapter, flags] of configs) {
  const runtime = ["deno runtime", ...flags].join(" ");
  test(`conformance suite: ${runtime}, ${adapter} adapter`, async () => {
    const r = await runSuite("deno", adapter, flags);
    // The per-runtime count, in the test log.
    console.log(flags.length ? `${r.summary} (${flags.join(" ")})` : r.summary);
    if (r.failed !== 0 || r.code !== 0) console.log(r.output);
    expect(r.code).toBe(0);
    expect(r.failed).toBe(0);
    expect(r.passed).toBeGreaterThan(50);
  });
}
