// Raw Deno UDP echo server over Deno.listenDatagram (needs --unstable-net): a
// receive/send loop with one reused 64 KiB buffer.
// Usage: deno run --allow-net --unstable-net bench/servers/raw_deno_udp.ts [PORT]
// Prints "READY <port> <pid>".
import { udpSocket } from "./_deno.ts";

const sock = udpSocket();
const buf = new Uint8Array(65536);
for (;;) {
  try {
    const [data, from] = await sock.receive(buf);
    await sock.send(data, from);
  } catch {
    // e.g. a send to a closed port: keep serving
  }
}
