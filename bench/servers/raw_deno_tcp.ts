// Raw Deno TCP echo server (the baseline for Deno): Deno.listen, one read/write loop
// per connection with a 64 KiB buffer (write() may be partial: loop until done).
// Usage: deno run --allow-net bench/servers/raw_deno_tcp.ts [PORT]   Prints "READY <port> <pid>".
export {}; // a module: top-level await, and these names stay local

interface Conn {
  read(b: Uint8Array): Promise<number | null>;
  write(b: Uint8Array): Promise<number>;
  close(): void;
}
declare const Deno: {
  args: string[];
  pid: number;
  listen(o: { hostname: string; port: number }): { addr: { port: number }; accept(): Promise<Conn> };
};

const port = Number(Deno.args[0] ?? 0);
const listener = Deno.listen({ hostname: "127.0.0.1", port });
console.log(`READY ${listener.addr.port} ${Deno.pid}`);

async function serve(conn: Conn): Promise<void> {
  const buf = new Uint8Array(65536);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      let off = 0;
      while (off < n) off += await conn.write(buf.subarray(off, n));
    }
  } catch {
    // reset by peer: just close
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

for (;;) {
  let conn: Conn;
  try {
    conn = await listener.accept();
  } catch {
    continue; // a client reset before accept (denoland/deno#8499): keep accepting
  }
  void serve(conn);
}
