// Raw Node "sink": accepts TCP connections and never reads them (flood test baseline).
// With no 'data' listener a net.Socket stays paused: Node reads up to its
// highWaterMark and then stops, so TCP flow control holds the peer back.
// Usage: node --import tsx bench/servers/raw_node_sink.ts [PORT]   Prints "READY <port> <pid>".
import * as net from "node:net";
import process from "node:process";

const port = Number(process.argv[2] ?? 0);
const held: net.Socket[] = [];
const server = net.createServer((sock) => {
  sock.on("error", () => sock.destroy());
  held.push(sock);
});
server.listen({ host: "127.0.0.1", port }, () => {
  console.log(`READY ${(server.address() as net.AddressInfo).port} ${process.pid}`);
});
