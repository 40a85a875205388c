// CPython parity: runs test/parity/scenarios.py under python3 and the same scenarios
// (test/parity/scenarios.ts) under @polysock/core on this runtime, and compares each outcome
// field by field: exception class, errno, message, value; elapsed within ±0.3 s for timeouts.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runScenarios, type Outcome } from "../parity/scenarios.js";
import { setup, test } from "./_harness.js";

/** Deliberate differences: scenario → (setup → reason); "*" matches every runtime/adapter. */
const DELIBERATE: Record<string, Record<string, string>> = {
  "send str": { "*": "docs/differences.md #14: send/sendall/sendto accept a string (sent as UTF-8)" },
  "so_linger zero resets on close": { "deno/deno": "docs/differences.md #6: Deno has no reset (RST) for a connection" },
  "connect again after the listener reset the connection (shutdown before accept): the reset itself, then ENOTCONN, EPIPE": {
    "deno/deno": "docs/differences.md #6: Deno has no reset (RST) for a connection",
  },
  "makefile readline of a line the peer reset": { "deno/deno": "docs/differences.md #6: Deno has no reset (RST) for a connection" },
  "listener closed with connections not accepted": { "deno/deno": "docs/differences.md #6: Deno has no reset (RST) for a connection" },
  "close after a makefile reader read a line of a pipelined burst: FIN, not reset": {
    "deno/deno": "docs/differences.md #6: Deno has no reset (RST) for a connection",
  },
  "close after a makefile reader read one line: what its 8 KiB buffer did not pull in resets the peer": {
    "deno/deno": "docs/differences.md #6: Deno has no reset (RST) for a connection",
  },
  "poll: a connection reset by the peer is POLLERR until SO_ERROR reads it": {
    "deno/deno": "docs/differences.md #6: Deno has no reset (RST) for a connection",
  },
  "poll: a connected UDP socket's ICMP error is POLLERR, not POLLIN": {
    "deno/deno": "docs/differences.md #29: Deno reports no ICMP errors for UDP",
    "deno/node": "docs/differences.md #29: Deno reports no ICMP errors for UDP",
  },
  "close() with input unread while the peer still sends: the peer's sendall gets ConnectionResetError": {
    "deno/deno": "docs/differences.md #6: Deno has no reset (RST) for a connection",
  },
  "a reset after some bytes: recv(MSG_WAITALL) returns them, then raises; a text makefile read that needs more raises at once": {
    "deno/deno": "docs/differences.md #6: Deno has no reset (RST) for a connection",
  },
  "bytes and a reset that arrive together: recv returns the bytes, then raises ConnectionResetError, then b''": {
    "deno/deno": "docs/differences.md #6: Deno has no reset (RST) for a connection",
  },
  "makefile('wb') to a peer that reset: the error a write hit comes first; a write larger than the buffer is dropped with it, buffered bytes stay (flush()/close() raise again)": {
    "deno/deno": "docs/differences.md #6: Deno has no reset (RST) for a connection",
  },
  "the peer closed in this program: sends right away (no wait between) succeed once over TCP, then raise BrokenPipeError; over a socketpair every send raises": {
    "bun/bun": "docs/differences.md #91: Bun's write() does not say whether the kernel refused it with EPIPE or ECONNRESET",
    "deno/deno": "docs/differences.md #23: Deno's writes complete asynchronously, so a failure is known one call later",
  },
  "bind non-local": { "deno/node": "docs/differences.md #7: Deno's node:net reports EINVAL for a non-local bind" },
  "multicast options": {
    "deno/deno --unstable-net": "docs/differences.md #35: Deno.listenDatagram cannot choose a multicast interface",
  },
  "multicast on loopback": { "deno/deno --unstable-net": "docs/differences.md #35: Deno.listenDatagram cannot choose a multicast interface" },
};

const ELAPSED_SLACK = 0.3;

function differs(py: Outcome, ts: Outcome | undefined): string[] {
  if (!ts) return ["missing"];
  const out: string[] = [];
  for (const f of ["cls", "errno", "msg", "value"] as const) {
    if (JSON.stringify(py[f] ?? null) !== JSON.stringify(ts[f] ?? null)) out.push(f);
  }
  if ("elapsed" in py && py.elapsed != null) {
    if (ts.elapsed == null || Math.abs(py.elapsed - ts.elapsed) > ELAPSED_SLACK + 1e-9) out.push("elapsed");
  }
  return out;
}

function runPython(): Record<string, Outcome> {
  const script = fileURLToPath(new URL("../parity/scenarios.py", import.meta.url));
  const r = spawnSync("python3", [script], { encoding: "utf8", timeout: 60000, maxBuffer: 16 << 20 });
  if (r.error) throw new Error(`python3 could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`python3 ${script} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test(
  "parity: scenarios equal to CPython",
  async () => {
    const py = runPython();
    const ts = await runScenarios();
    const here = setup();
    // Deno with --unstable-net uses Deno.listenDatagram for UDP (no flag: node:dgram).
    const deno = (globalThis as { Deno?: { listenDatagram?: unknown } }).Deno;
    const variant = typeof deno?.listenDatagram === "function" && here === "deno/deno" ? `${here} --unstable-net` : here;
    const bad: string[] = [];
    let equal = 0;
    let skipped = 0;
    for (const [name, want] of Object.entries(py)) {
      const reason = DELIBERATE[name]?.[variant] ?? DELIBERATE[name]?.[here] ?? DELIBERATE[name]?.["*"];
      if (reason) {
        skipped++;
        console.log(`     parity: skip "${name}" on ${here}: ${reason}`);
        continue;
      }
      const fields = differs(want, ts[name]);
      if (!fields.length) equal++;
      else
        bad.push(
          `"${name}" differs in ${fields.join(", ")}\n       CPython : ${JSON.stringify(want)}\n       polysock: ${JSON.stringify(ts[name] ?? null)}`,
        );
    }
    for (const name of Object.keys(ts)) if (!(name in py)) bad.push(`"${name}" exists only in scenarios.ts`);
    const total = Object.keys(py).length;
    console.log(`     parity (${here}): ${total} scenarios, ${equal} equal, ${bad.length} differ, ${skipped} skipped`);
    if (bad.length) throw new Error(`${bad.length} scenario(s) differ from CPython on ${here}:\n     ${bad.join("\n     ")}`);
  },
  120000,
);
