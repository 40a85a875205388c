// The least a pull-style API (Python's `recv`) can cost on Node: one async function per
// connection awaiting one Promise per recv() call (settled at once when data is queued, as an
// async API must), over node:net, with nothing else (no timeouts, errors, backpressure, addresses). Shows what part of a polysock/raw ratio any pull API pays
// in the ping-pong modes (not for bulk: it never pauses). Usage:
//   node --import tsx bench/servers/floor_node_tcp.ts [PORT]    Prints "READY <port> <pid>".
import * as net from "node:net";
import process from "node:process";

interface State {
  queue: Buffer[];
  wake: (() => void) | null;
  ended: boolean;
}

function wake(st: State): void {
  const w = st.wake;
  st.wake = null;
  w?.();
}

/** The pull API: one Promise per call; `undefined` at EOF. */
function recv(st: State): Promise<Buffer | undefined> {
  if (st.queue.length > 0 || st.ended) return Promise.resolve(st.queue.shift());
  return new Promise((resolve) => (st.wake = () => resolve(st.queue.shift())));
}

async function serve(sock: net.Socket, st: State): Promise<void> {
  for (;;) {
    const chunk = await recv(st);
    if (chunk === undefined) break;
    sock.write(chunk);
  }
  sock.end();
}

const port = Number(process.argv[2] ?? 0);
const server = net.createServer((sock) => {
  const st: State = { queue: [], wake: null, ended: false };
  sock.on("data", (d: Buffer) => {
    st.queue.push(d);
    wake(st);
  });
  sock.on("end", () => {
    st.ended = true;
    wake(st);
  });
  sock.on("error", () => sock.destroy());
  void serve(sock, st);
});
server.listen({ host: "127.0.0.1", port, backlog: 511 }, () => {
  console.log(`READY ${(server.address() as net.AddressInfo).port} ${process.pid}`);
});
