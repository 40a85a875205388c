// polysock TCP echo server: the Python-style loop, one async function per connection.
// The same file runs on Node (node --import tsx), Bun and Deno (deno run --allow-net).
// Usage: <runtime> bench/servers/polysock_tcp_echo.ts [PORT]   Prints "READY <port> <pid>".
import process from "node:process";
import * as socket from "@polysock/core";

const port = Number(process.argv[2] ?? 0);

async function serve(conn: socket.Socket): Promise<void> {
  try {
    for (;;) {
      const data = await conn.recv(Number(process.env.RECV ?? 65536));
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
  void serve(conn);
}
