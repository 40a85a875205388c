// UDP echo client, ported from the classic CPython tutorial program
// (test/fixtures/udp_echo_client.py). Runs unchanged on Node, Bun and Deno:
//
//   npx tsx examples/udp_echo_client.ts [--host 127.0.0.1] [--port 65433] [--raw] [message]
//   npx bun examples/udp_echo_client.ts "Hello, world"
//   npx deno run --allow-net examples/udp_echo_client.ts -    < datagram   # "-": message from stdin
//
// Sends one datagram, waits up to 5 seconds for the echo and prints
// `Received b'Hello, world'` (or, with --raw, the bytes themselves).
import * as socket from "@polysock/core";
import { parseArgs } from "./_args.ts";
import { exit } from "./_signals.ts";
import { readStdin, writeStdout } from "./_stdio.ts";

const args = parseArgs({ prog: "udp_echo_client", port: 65433, message: "Hello, world" });
const HOST = args.host;
const PORT = args.port;
const message = args.message === "-" ? await readStdin() : args.message;

let data;
try {
  await using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.settimeout(5); // UDP may drop: rejects with socket.timeout rather than wait forever
  await s.sendto(message, [HOST, PORT]);
  [data] = await s.recvfrom(65535);
} catch (e) {
  // Like Python's traceback, ending in e.g. "ConnectionRefusedError: [Errno 111] Connection refused"
  console.error(e instanceof socket.OSError ? `${e}` : e);
  exit(1);
}

if (args.raw) await writeStdout(data);
else console.log(`Received ${data}`);
