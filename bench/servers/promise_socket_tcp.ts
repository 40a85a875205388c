// promise-socket TCP echo server (a Node baseline): pull reads over node:net with the
// npm `promise-socket` package, one async loop per connection like polysock's.
// read() without a size returns what is buffered (read(65536) would wait for exactly
// 65536 bytes and stall a 64-byte ping-pong); write() waits for 'drain' when needed.
// Usage: node --import tsx bench/servers/promise_socket_tcp.ts [PORT]   Prints "READY <port> <pid>".
import * as net from "node:net";
import process from "node:process";
import { PromiseSocket } from "promise-socket";

const port = Number(process.argv[2] ?? 0);

async function serve(sock: net.Socket): Promise<void> {
  const ps = new PromiseSocket(sock);
  try {
    for (;;) {
      const chunk = await ps.read();
      if (chunk === undefined || chunk.length === 0) break;
      await ps.write(chunk as Buffer);
    }
    await ps.end();
  } catch {
    // reset by peer
  } finally {
    ps.destroy();
  }
}

const server = net.createServer({ allowHalfOpen: true }, (sock) => void serve(sock));
server.listen({ host: "127.0.0.1", port, backlog: 511 }, () => {
  const addr = server.address() as net.AddressInfo;
  console.log(`READY ${addr.port} ${process.pid}`);
});
