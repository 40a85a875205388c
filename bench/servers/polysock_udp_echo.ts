// polysock UDP echo server: recvfrom(65536) / sendto, as in Python.
// On Deno, run it with --unstable-net to use Deno.listenDatagram, without it to use
// the node:dgram fallback.
// Usage: <runtime> bench/servers/polysock_udp_echo.ts [PORT]   Prints "READY <port> <pid>".
import process from "node:process";
import * as socket from "@polysock/core";

const port = Number(process.argv[2] ?? 0);
const sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
await sock.bind(["127.0.0.1", port]);
console.log(`READY ${sock.getsockname()[1]} ${process.pid}`);
for (;;) {
  try {
    const [data, addr] = await sock.recvfrom(65536);
    if (addr !== null) await sock.sendto(data, addr);
  } catch {
    // e.g. ICMP errors latched on the socket: keep serving
  }
}
