// Raw Bun UDP echo server: Bun.udpSocket, echo from the `data` handler. A send can
// throw (e.g. ECONNREFUSED after an echo hit a closed port): guard it, or the
// process dies.
// Usage: bun bench/servers/raw_bun_udp.ts [PORT]   Prints "READY <port> <pid>".
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

const port = Number(process.argv[2] ?? 0);
const sock = await Bun.udpSocket({
  hostname: "127.0.0.1",
  port,
  socket: {
    data(s, buf, rport, raddr) {
      try {
        s.send(buf, rport, raddr);
      } catch {
        // dropped, as the kernel would
      }
    },
    error() {},
  },
});
console.log(`READY ${sock.port} ${process.pid}`);
