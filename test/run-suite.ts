// Runs the conformance suite on whatever runtime executes this file:
//   node --import tsx test/run-suite.ts [--adapter node]
//   bun test/run-suite.ts [--adapter bun|node]
//   deno run -A test/run-suite.ts [--adapter deno|node]
// Prints one line per case and a closing "N passed, N failed" line; exits 1 on any failure
// or if no case ran.
import { useAdapter, getAdapter } from "@polysock/core";
import { cases, runtime } from "./suite/_harness.js";
import "./suite/tcp.js";
import "./suite/bursts.js";
import "./suite/timeouts.js";
import "./suite/errors.js";
import "./suite/udp.js";
import "./suite/options.js";
import "./suite/helpers.js";
import "./suite/makefile.js";
import "./suite/interop.js";
import "./suite/memory.js";
import "./suite/parity.js";
import "./suite/nonblocking.js";
import "./suite/select.js";

const argv: string[] = "Deno" in globalThis ? (globalThis as any).Deno.args : process.argv.slice(2);
const pick = argv[argv.indexOf("--adapter") + 1];
const only = argv.includes("--grep") ? argv[argv.indexOf("--grep") + 1] : undefined;
if (argv.includes("--adapter") && pick) {
  const mod = await import(`@polysock/${pick}`);
  useAdapter(mod.adapter);
}
const label = `${runtime}/${getAdapter().name}`;
let passed = 0;
let failed = 0;
const failures: string[] = [];
process.on("unhandledRejection", (e) => {
  failed++;
  failures.push(`unhandled rejection: ${String(e)}`);
  console.log(`FAIL unhandled rejection: ${(e as Error)?.stack ?? e}`);
});
for (const c of cases) {
  if (only && !c.name.includes(only)) continue;
  const t0 = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      c.fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${c.timeoutMs} ms`)), c.timeoutMs);
      }),
    ]);
    passed++;
    console.log(`ok   ${c.name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    failures.push(c.name);
    console.log(`FAIL ${c.name}\n     ${((e as Error)?.stack ?? String(e)).split("\n").slice(0, 14).join("\n     ")}`);
  } finally {
    clearTimeout(timer);
  }
}
if (failures.length) console.log(`\n${label} failures:\n  ${failures.join("\n  ")}`);
console.log(`\n${label}: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
