// TCP echo server, ported from the classic CPython tutorial program
// (test/fixtures/tcp_echo_server.py). Runs unchanged on Node, Bun and Deno:
//
//   npx tsx examples/tcp_echo_server.ts [--host 127.0.0.1] [--port 65432] [--quiet]
//   npx bun examples/tcp_echo_server.ts
//   npx deno run --allow-net examples/tcp_echo_server.ts
//
// Serves many clients at once (one async function per connection, where Python uses a
// thread), echoes every byte until the client half-closes, and on SIGINT/SIGTERM closes
// the listening socket and exits 0.
import * as socket from "@polysock/core";
import { parseArgs } from "./_args.ts";
import { exit, onShutdown } from "./_signals.ts";

const { host: HOST, port: PORT, quiet } = parseArgs({ prog: "tcp_echo_server", port: 65432 });

/** Open connections, so shutdown can close them (Python's daemon threads just die). */
const connections = new Set<socket.Socket>();
/** Set by SIGINT/SIGTERM. */
let stopping = false;

/** One client: echo until EOF. A reset or broken client only ends its own connection. */
async function echo(conn: socket.Socket, addr: socket.Address): Promise<void> {
  connections.add(conn);
  try {
    await using _conn = conn;
    while (true) {
      const data = await conn.recv(1024);
      if (!data.length) break; // Python: if not data: break
      await conn.sendall(data);
    }
  } catch (e) {
    if (!stopping) console.error(`${addr}: ${e}`); // shutdown closed it: not the client's fault
  } finally {
    connections.delete(conn);
  }
}

try {
  await using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  await s.bind([HOST, PORT]);
  await s.listen();
  const removeSignals = onShutdown(() => {
    stopping = true;
    void s.close(); // the pending accept() rejects, which ends the loop below
  });
  // Tests wait for this line: once it is out, connections are accepted and signals handled.
  console.log(`Listening on ${s.getsockname()}`);

  while (!stopping) {
    let accepted;
    try {
      accepted = await s.accept();
    } catch (e) {
      if (stopping) break;
      console.error(`accept: ${e}`);
      if (e instanceof socket.OSError && e.errno === socket.errno.EBADF) break;
      continue;
    }
    const [conn, addr] = accepted;
    if (!quiet) console.log(`Connected by ${addr}`);
    void echo(conn, addr);
  }

  removeSignals();
  // Give open connections a moment to close gracefully, but never wait on a stuck peer.
  const closing = Promise.all([...connections].map((c) => c.close()));
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 1000))]);
} catch (e) {
  // Like Python's traceback, ending in e.g. "ConnectionRefusedError: [Errno 111] Connection refused"
  console.error(e instanceof socket.OSError ? `${e}` : e);
  exit(1);
}
exit(0);
