// UDP echo server, ported from the classic CPython tutorial program
// (test/fixtures/udp_echo_server.py). Runs unchanged on Node, Bun and Deno:
//
//   npx tsx examples/udp_echo_server.ts [--host 127.0.0.1] [--port 65433]
//   npx bun examples/udp_echo_server.ts
//   npx deno run --allow-net examples/udp_echo_server.ts
//
// Sends every datagram (up to 65,507 bytes) back to where it came from; on SIGINT/SIGTERM
// closes the socket and exits 0.
import * as socket from "@polysock/core";
import { parseArgs } from "./_args.ts";
import { exit, onShutdown } from "./_signals.ts";

const { host: HOST, port: PORT } = parseArgs({ prog: "udp_echo_server", port: 65433 });

try {
  await using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await s.bind([HOST, PORT]);
  let stopping = false;
  const removeSignals = onShutdown(() => {
    stopping = true;
    void s.close(); // the pending recvfrom() rejects, which ends the loop below
  });
  // Tests wait for this line: once it is out, datagrams are received and signals handled.
  console.log(`Listening on ${s.getsockname()}`);

  while (!stopping) {
    try {
      const [data, addr] = await s.recvfrom(65535);
      await s.sendto(data, addr);
    } catch (e) {
      if (stopping) break;
      // One bad datagram or peer (e.g. an ICMP error reported late) must not stop the server.
      console.error(`echo: ${e}`);
      if (e instanceof socket.OSError && e.errno === socket.errno.EBADF) break;
    }
  }
  removeSignals();
} catch (e) {
  // Like Python's traceback, ending in e.g. "ConnectionRefusedError: [Errno 111] Connection refused"
  console.error(e instanceof socket.OSError ? `${e}` : e);
  exit(1);
}
exit(0);
