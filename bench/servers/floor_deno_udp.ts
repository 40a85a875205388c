// The least a Python-style pull API that follows the async rule can cost on Deno (needs
// --unstable-net): recvfrom is one `receive()` into a 64 KiB buffer whose bytes are copied out
// with the sender as an [address, port] pair, through one `.then`; sendto awaits `send()` and
// settles with the count through one `.then`. Nothing else. Deno's raw server awaits receive
// and send directly: the floor's extra is two promises and a copy per datagram.
// Usage: deno run --allow-net --unstable-net bench/servers/floor_deno_udp.ts [PORT]   Prints "READY <port> <pid>".
import { udpSocket } from "./_deno.ts";

const sock = udpSocket();
const buf = new Uint8Array(65536);

/** The pull API: one Promise per call; the bytes are the caller's. */
function recvfrom(): Promise<[Uint8Array, [string, number]]> {
  return sock.receive(buf).then(([d, from]) => [d.slice(), [from.hostname, from.port]]);
}

function sendto(data: Uint8Array, to: [string, number]): Promise<number> {
  return sock.send(data, { transport: "udp", hostname: to[0], port: to[1] }).then(() => data.length);
}

for (;;) {
  try {
    const [data, addr] = await recvfrom();
    await sendto(data, addr);
  } catch {
    // keep serving
  }
}
