// polysock TCP echo server: the Python-style loop, one async function per connection.
// The same file runs on Node (node --import tsx), Bun and Deno (deno run --allow-net).
// `--nodelay=1`: setsockopt(IPPROTO_TCP, TCP_NODELAY, 1) on each accepted connection (the
// kernel option a raw Bun socket starts with; Python's default, and polysock's, is 0).
// Usage: <runtime> bench/servers/polysock_tcp_echo.ts [PORT] [--nodelay=1]   Prints "READY <port> <pid>".
import process from "node:process";
import * as socket from "@polysock/core";

const port = Number(process.argv[2] ?? 0);
const noDelay = process.argv[3] === "--nodelay=1";

async function serve(conn: socket.Socket): Promise<void> {
  try {
    for (;;) {
      const data = await conn.recv(65536);
      if (!data.length) break; // Python: if not data: break
      await conn.sendall(data);
    }
  } catch {
    // reset by peer
  } finally {
    await conn.close();
  }
}

const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
await srv.bind(["127.0.0.1", port]);
await srv.listen(511);
console.log(`READY ${srv.getsockname()[1]} ${process.pid}`);
for (;;) {
  const [conn] = await srv.accept();
  if (noDelay) conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  void serve(conn);
}
