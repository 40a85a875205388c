// TCP echo client, ported from the classic CPython tutorial program
// (test/fixtures/tcp_echo_client.py). Runs unchanged on Node, Bun and Deno:
//
//   npx tsx examples/tcp_echo_client.ts [--host 127.0.0.1] [--port 65432] [--raw] [message]
//   npx bun examples/tcp_echo_client.ts "Hello, world"
//   npx deno run --allow-net examples/tcp_echo_client.ts -    < big-file   # "-": message from stdin
//
// Sends the message, half-closes (SHUT_WR), reads the echo until EOF and prints
// `Received b'Hello, world'` (or, with --raw, the bytes themselves).
import * as socket from "@polysock/core";
import { parseArgs } from "./_args.ts";
import { exit } from "./_signals.ts";
import { readStdin, writeStdout } from "./_stdio.ts";

const args = parseArgs({ prog: "tcp_echo_client", port: 65432, message: "Hello, world" });
const HOST = args.host;
const PORT = args.port;
const message = args.message === "-" ? await readStdin() : args.message;

/** Send everything, then tell the server we are done (it sees EOF and ends the echo). */
async function send(s: socket.Socket): Promise<void> {
  await s.sendall(message);
  await s.shutdown(socket.SHUT_WR);
}

/** Read until EOF. Python: `data = b"".join(chunks)`. */
async function receive(s: socket.Socket): Promise<socket.PyBytes> {
  const chunks: socket.PyBytes[] = [];
  while (true) {
    const data = await s.recv(1024);
    if (!data.length) break;
    chunks.push(data);
  }
  // PyBytes, like recv()'s result: prints as b'...' and has decode()
  const joined = new socket.PyBytes(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    joined.set(c, at);
    at += c.length;
  }
  return joined;
}

let data;
try {
  await using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  await s.connect([HOST, PORT]);
  // Read while sending, so an echo larger than the socket buffers cannot deadlock us.
  [, data] = await Promise.all([send(s), receive(s)]);
} catch (e) {
  // Like Python's traceback, ending in e.g. "ConnectionRefusedError: [Errno 111] Connection refused"
  console.error(e instanceof socket.OSError ? `${e}` : e);
  exit(1);
}

if (args.raw) await writeStdout(data);
else console.log(`Received ${data}`);
