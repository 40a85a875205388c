// The least a Python-style pull API that follows the async rule can cost on Deno: one async
// function per connection; recv(65536) is one `conn.read()` into a 64 KiB buffer whose bytes
// are copied out (the caller keeps them while the buffer is read into again) through one
// `.then`; sendall is an async function looping `conn.write()` until all is taken. No read
// ahead, timeouts, errors, addresses or options. Deno's raw server awaits its read directly and
// writes from its buffer: the floor's extra is one promise and one copy per recv.
// Usage: deno run --allow-net bench/servers/floor_deno_tcp.ts [PORT]   Prints "READY <port> <pid>".
import { type Conn, serveTcp } from "./_deno.ts";

const EMPTY = new Uint8Array(0);

/** The pull API: one Promise per call; the bytes are the caller's. */
function recv(conn: Conn, buf: Uint8Array): Promise<Uint8Array> {
  return conn.read(buf).then((n) => (n === null ? EMPTY : buf.slice(0, n)));
}

async function sendall(conn: Conn, data: Uint8Array): Promise<void> {
  for (let off = 0; off < data.length; ) off += await conn.write(off === 0 ? data : data.subarray(off));
}

await serveTcp(async (conn: Conn) => {
  const buf = new Uint8Array(65536);
  for (;;) {
    const data = await recv(conn, buf);
    if (!data.length) break;
    await sendall(conn, data);
  }
});
