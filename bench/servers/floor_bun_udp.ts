// The least a pull-style API (Python's `recvfrom`/`sendto`) that follows the async rule can
// cost on Bun: one loop awaiting one Promise per recvfrom() call (settled at once when a
// datagram is queued) and one per sendto() (the async rule: sendto returns a Promise; this one
// is settled at once with the count) over Bun.udpSocket, nothing else. See floor_node_tcp.ts. Usage:
//   bun bench/servers/floor_bun_udp.ts [PORT]    Prints "READY <port> <pid>".
import process from "node:process";

interface UdpSock {
  port: number;
  send(b: Uint8Array, port: number, addr: string): boolean;
}
declare const Bun: {
  udpSocket(o: {
    hostname: string;
    port: number;
    socket: { data(s: UdpSock, b: Uint8Array, port: number, addr: string): void; error?(e: unknown): void };
  }): Promise<UdpSock>;
};

const queue: [Uint8Array, number, string][] = [];
let wake: (() => void) | null = null;
const sock = await Bun.udpSocket({
  hostname: "127.0.0.1",
  port: Number(process.argv[2] ?? 0),
  socket: {
    data(_s, buf, port, addr) {
      queue.push([buf, port, addr]);
      const w = wake;
      wake = null;
      w?.();
    },
    error() {},
  },
});
console.log(`READY ${sock.port} ${process.pid}`);
/** The pull API: one Promise per call. */
function recvfrom(): Promise<[Uint8Array, number, string]> {
  if (queue.length > 0) return Promise.resolve(queue.shift()!);
  return new Promise((resolve) => (wake = () => resolve(queue.shift()!)));
}

for (;;) {
  const [buf, port, addr] = await recvfrom();
  await sendto(buf, port, addr);
}

/** The pull API's send: a Promise per call, settled at once (a refused datagram is dropped, as the kernel would). */
function sendto(buf: Uint8Array, port: number, addr: string): Promise<number> {
  try {
    sock.send(buf, port, addr);
  } catch {
    // dropped
  }
  return Promise.resolve(buf.length);
}
