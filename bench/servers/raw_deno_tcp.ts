// Raw Deno TCP echo server (the baseline for Deno): Deno.listen, one read/write loop
// per connection with a 64 KiB buffer (write() may be partial: loop until done).
// Usage: deno run --allow-net bench/servers/raw_deno_tcp.ts [PORT]   Prints "READY <port> <pid>".
import { type Conn, serveTcp } from "./_deno.ts";

await serveTcp(async (conn: Conn) => {
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    let off = 0;
    while (off < n) off += await conn.write(buf.subarray(off, n));
  }
});
