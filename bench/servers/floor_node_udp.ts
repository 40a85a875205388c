// The least a pull-style API (Python's `recvfrom`/`sendto`) that follows the async rule can
// cost on Node: one loop awaiting one Promise per recvfrom() call (settled at once when a
// datagram is queued) and one per sendto() (the async rule: sendto returns a Promise; this one
// is settled at once with the count) over node:dgram, nothing else. See floor_node_tcp.ts. Usage:
//   node --import tsx bench/servers/floor_node_udp.ts [PORT]    Prints "READY <port> <pid>".
import * as dgram from "node:dgram";
import process from "node:process";

const queue: [Buffer, dgram.RemoteInfo][] = [];
let wake: (() => void) | null = null;
const sock = dgram.createSocket("udp4");
sock.on("error", () => {});
sock.on("message", (msg, rinfo) => {
  queue.push([msg, rinfo]);
  const w = wake;
  wake = null;
  w?.();
});
sock.bind(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  console.log(`READY ${sock.address().port} ${process.pid}`);
});
/** The pull API: one Promise per call. */
function recvfrom(): Promise<[Buffer, dgram.RemoteInfo]> {
  if (queue.length > 0) return Promise.resolve(queue.shift()!);
  return new Promise((resolve) => (wake = () => resolve(queue.shift()!)));
}

for (;;) {
  const [msg, rinfo] = await recvfrom();
  await sendto(msg, rinfo.port, rinfo.address);
}

/** The pull API's send: a Promise per call, settled at once. */
function sendto(msg: Buffer, port: number, address: string): Promise<number> {
  sock.send(msg, port, address);
  return Promise.resolve(msg.length);
}
