// The least a pull-style API (Python's `recv`/`sendall`) can cost on Node: one async function
// per connection awaiting one Promise per recv(65536) call (settled at once when data is queued,
// as an async API must; a chunk larger than 64 KiB is handed out in views), and sendall awaiting
// 'drain' when write() says so; reading pauses while 256 KiB wait unread, so memory stays bounded.
// Nothing else (no timeouts, errors, addresses). Shows what part of a polysock/raw ratio any
// pull API pays. Usage:
//   node --import tsx bench/servers/floor_node_tcp.ts [PORT]    Prints "READY <port> <pid>".
import * as net from "node:net";
import process from "node:process";

const RECV_MAX = 65536;
const HIGH_WATER = 256 * 1024;

interface State {
  sock: net.Socket;
  queue: Buffer[];
  queued: number;
  paused: boolean;
  wake: (() => void) | null;
  drained: (() => void) | null;
  ended: boolean;
}

function wake(st: State): void {
  const w = st.wake;
  st.wake = null;
  w?.();
}

/** At most RECV_MAX queued bytes (a view of the first chunk), or `undefined` at EOF. */
function take(st: State): Buffer | undefined {
  const c = st.queue[0];
  if (c === undefined) return undefined;
  let out = c;
  if (c.length > RECV_MAX) {
    out = c.subarray(0, RECV_MAX);
    st.queue[0] = c.subarray(RECV_MAX);
  } else st.queue.shift();
  st.queued -= out.length;
  if (st.paused && st.queued < HIGH_WATER) {
    st.paused = false;
    st.sock.resume();
  }
  return out;
}

/** The pull API: one Promise per call. */
function recv(st: State): Promise<Buffer | undefined> {
  if (st.queue.length > 0 || st.ended) return Promise.resolve(take(st));
  return new Promise((resolve) => (st.wake = () => resolve(take(st))));
}

function sendall(st: State, data: Buffer): Promise<void> | undefined {
  if (st.sock.write(data)) return undefined;
  return new Promise((resolve) => (st.drained = resolve));
}

async function serve(st: State): Promise<void> {
  for (;;) {
    const data = await recv(st);
    if (data === undefined) break;
    await sendall(st, data);
  }
  st.sock.end();
}

const port = Number(process.argv[2] ?? 0);
const server = net.createServer((sock) => {
  const st: State = { sock, queue: [], queued: 0, paused: false, wake: null, drained: null, ended: false };
  sock.on("data", (d: Buffer) => {
    st.queue.push(d);
    st.queued += d.length;
    if (st.queued >= HIGH_WATER && !st.paused) {
      st.paused = true;
      sock.pause();
    }
    wake(st);
  });
  sock.on("drain", () => {
    const d = st.drained;
    st.drained = null;
    d?.();
  });
  sock.on("end", () => {
    st.ended = true;
    wake(st);
  });
  sock.on("error", () => sock.destroy());
  void serve(st);
});
server.listen({ host: "127.0.0.1", port, backlog: 511 }, () => {
  console.log(`READY ${(server.address() as net.AddressInfo).port} ${process.pid}`);
});
