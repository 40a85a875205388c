// The least a Python-style pull API that follows the async rule can cost on Deno: one async
// function per connection; recv(65536) is one `conn.read()` into a 64 KiB buffer whose bytes
// are copied out (the caller keeps them while the buffer is read into again) through one
// `.then`; sendall is an async function looping `conn.write()` until all is taken. No read
// ahead, timeouts, errors, addresses or options. Deno's raw server awaits its read directly and
// writes from its buffer: the floor's extra is one promise and one copy per recv.
// Usage: deno run --allow-net bench/servers/floor_deno_tcp.ts [PORT]   Prints "READY <port> <pid>".
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

const EMPTY = new Uint8Array(0);
const port = Number(Deno.args[0] ?? 0);
const listener = Deno.listen({ hostname: "127.0.0.1", port });
console.log(`READY ${listener.addr.port} ${Deno.pid}`);

/** The pull API: one Promise per call; the bytes are the caller's. */
function recv(conn: Conn, buf: Uint8Array): Promise<Uint8Array> {
  return conn.read(buf).then((n) => (n === null ? EMPTY : buf.slice(0, n)));
}

async function sendall(conn: Conn, data: Uint8Array): Promise<void> {
  for (let off = 0; off < data.length; ) off += await conn.write(off === 0 ? data : data.subarray(off));
}

async function serve(conn: Conn): Promise<void> {
  const buf = new Uint8Array(65536);
  try {
    for (;;) {
      const data = await recv(conn, buf);
      if (!data.length) break;
      await sendall(conn, data);
    }
  } catch {
    // reset by peer
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
