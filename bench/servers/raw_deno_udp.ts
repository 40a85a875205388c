// Raw Deno UDP echo server over Deno.listenDatagram (needs --unstable-net): a
// receive/send loop with one reused 64 KiB buffer.
// Usage: deno run --allow-net --unstable-net bench/servers/raw_deno_udp.ts [PORT]
// Prints "READY <port> <pid>".
export {}; // a module: top-level await, and these names stay local

interface Addr {
  transport: "udp";
  hostname: string;
  port: number;
}
declare const Deno: {
  args: string[];
  pid: number;
  listenDatagram(o: { hostname: string; port: number; transport: "udp" }): {
    addr: Addr;
    receive(b?: Uint8Array): Promise<[Uint8Array, Addr]>;
    send(b: Uint8Array, to: Addr): Promise<number>;
  };
};

const port = Number(Deno.args[0] ?? 0);
const sock = Deno.listenDatagram({ hostname: "127.0.0.1", port, transport: "udp" });
console.log(`READY ${sock.addr.port} ${Deno.pid}`);
const buf = new Uint8Array(65536);
for (;;) {
  try {
    const [data, from] = await sock.receive(buf);
    await sock.send(data, from);
  } catch {
    // e.g. a send to a closed port: keep serving
  }
}
