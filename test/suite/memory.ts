// Bounded read-ahead: a peer flooding a socket that is never read is held back by TCP flow
// control, and this process's RSS stays flat (the issue's "256 MiB into a server that never
// calls recv leaves RSS within 32 MiB of idle").
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { assert, listener, sleep, test } from "./_harness.js";

/** Resident set size of this process, from /proc (Linux). */
function rssBytes(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return Number(m![1]) * 1024;
}

// A CPython peer that tries to send 256 MiB within 6 s and reports how much it got out.
const FLOOD = `
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(0.5)
chunk = b"x" * 65536
sent, deadline = 0, time.time() + 6
while sent < 256 * 1024 * 1024 and time.time() < deadline:
    try:
        sent += s.send(chunk)
    except socket.timeout:
        pass
print(sent, flush=True)
s.close()
`;

test("a flooding peer is held back; RSS grows by less than 32 MiB", async () => {
  const [l, port] = await listener();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await sleep(100);
  const idle = rssBytes();
  const child = spawn("python3", ["-c", FLOOD, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  const [conn] = await l.accept(); // accepted, never read
  let peak = 0;
  const done = new Promise<void>((r) => child.on("close", () => r()));
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes())), 50);
  await done;
  clearInterval(sampler);
  peak = Math.max(peak, rssBytes());
  const sent = Number(out.trim());
  const growth = peak - idle;
  console.log(`     flood: peer sent ${(sent / 2 ** 20).toFixed(1)} MiB, RSS growth ${(growth / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(sent < 64 * 2 ** 20, `peer was not held back: sent ${sent} bytes`);
  assert.ok(growth < 32 * 2 ** 20, `RSS grew ${growth} bytes`);
  await conn.close();
  await l.close();
}, 30000);
