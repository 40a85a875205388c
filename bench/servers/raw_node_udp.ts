// Raw node:dgram UDP echo server: the UDP baseline on Node, and on Deno without
// --unstable-net (where Deno.listenDatagram does not exist but node:dgram works).
// Usage: node --import tsx bench/servers/raw_node_udp.ts [PORT]
//        deno run --allow-net bench/servers/raw_node_udp.ts [PORT]
// Prints "READY <port> <pid>".
import * as dgram from "node:dgram";
import process from "node:process";

const port = Number(process.argv[2] ?? 0);
const sock = dgram.createSocket("udp4");
sock.on("error", () => {}); // e.g. ICMP errors: keep serving
sock.on("message", (msg, rinfo) => {
  sock.send(msg, rinfo.port, rinfo.address, () => {});
});
sock.bind(port, "127.0.0.1", () => {
  console.log(`READY ${sock.address().port} ${process.pid}`);
});
