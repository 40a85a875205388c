// Raw Node TCP echo server (the baseline for Node): node:net with socket.pipe(socket),
// which gives write backpressure for free (the source pauses while the sink is full).
// Usage: node --import tsx bench/servers/raw_node_tcp.ts [PORT]   (0 = ephemeral)
// Prints "READY <port> <pid>" once listening.
import * as net from "node:net";
import process from "node:process";

const port = Number(process.argv[2] ?? 0);
const server = net.createServer((sock) => {
  sock.on("error", () => sock.destroy()); // a peer reset must not crash the server
  sock.pipe(sock);
});
server.listen({ host: "127.0.0.1", port, backlog: 511 }, () => {
  const addr = server.address() as net.AddressInfo;
  console.log(`READY ${addr.port} ${process.pid}`);
});
