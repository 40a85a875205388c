// Raw Bun "sink": accepts TCP connections and never reads them (flood test baseline):
// pause() in `open`, so no `data` callback runs and TCP flow control holds the peer back.
// Usage: bun bench/servers/raw_bun_sink.ts [PORT]   Prints "READY <port> <pid>".
import process from "node:process";

interface BunSocket {
  pause(): void;
}
declare const Bun: {
  listen(o: { hostname: string; port: number; socket: Record<string, (s: BunSocket) => void> }): { port: number };
};

const port = Number(process.argv[2] ?? 0);
const listener = Bun.listen({
  hostname: "127.0.0.1",
  port,
  socket: {
    open(s) {
      s.pause();
    },
    data() {},
    error() {},
    close() {},
  },
});
console.log(`READY ${listener.port} ${process.pid}`);
