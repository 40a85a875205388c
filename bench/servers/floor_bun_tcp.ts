// The least any pull-style API (Python's `recv`/`sendall`) can cost on Bun: one async function
// per connection awaiting one Promise per recv(65536) call (settled at once when data is queued;
// a chunk larger than 64 KiB — Bun reads up to 512 KiB — is handed out in views), and sendall
// awaiting `drain` for what write() did not take; reading pauses while 256 KiB wait unread.
// Nothing else (no timeouts, errors, addresses, options). The throughput tables and the
// idle-memory table show it beside the raw push server and polysock.
// Usage: bun bench/servers/floor_bun_tcp.ts [PORT]   Prints "READY <port> <pid>".
import process from "node:process";

const RECV_MAX = 65536;
const HIGH_WATER = 256 * 1024;

interface BunSocket {
  data: State;
  write(b: Uint8Array): number;
  end(): void;
  pause(): void;
  resume(): void;
}
interface State {
  s: BunSocket;
  queue: Uint8Array[];
  queued: number;
  paused: boolean;
  wake: (() => void) | null;
  drained: (() => void) | null;
  ended: boolean;
}
declare const Bun: {
  listen(o: {
    hostname: string;
    port: number;
    allowHalfOpen?: boolean;
    socket: Record<string, (s: BunSocket, ...a: never[]) => void>;
  }): { port: number };
};

const port = Number(process.argv[2] ?? 0);

/** At most RECV_MAX queued bytes (a view of the first chunk), or `undefined` at EOF. */
function take(st: State): Uint8Array | undefined {
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
    st.s.resume();
  }
  return out;
}

/** The pull API: one Promise per call. */
function recv(st: State): Promise<Uint8Array | undefined> {
  if (st.queue.length > 0 || st.ended) return Promise.resolve(take(st));
  return new Promise((resolve) => (st.wake = () => resolve(take(st))));
}

async function sendall(st: State, data: Uint8Array): Promise<void> {
  for (;;) {
    const n = st.s.write(data);
    if (n < 0) throw new Error("closed");
    if (n === data.length) return;
    data = data.subarray(n); // ours: Bun never reuses a chunk it handed over
    await new Promise<void>((resolve) => (st.drained = resolve));
  }
}

async function serve(st: State): Promise<void> {
  try {
    for (;;) {
      const data = await recv(st);
      if (data === undefined) break;
      await sendall(st, data);
    }
  } catch {
    // closed under us
  }
  st.s.end();
}

function wake(st: State): void {
  const w = st.wake;
  st.wake = null;
  w?.();
}

const listener = Bun.listen({
  hostname: "127.0.0.1",
  port,
  allowHalfOpen: true, // keep writing the echo after the client's FIN
  socket: {
    open(s) {
      s.data = { s, queue: [], queued: 0, paused: false, wake: null, drained: null, ended: false };
      void serve(s.data);
    },
    data(s, chunk: Uint8Array) {
      const st = s.data;
      st.queue.push(chunk);
      st.queued += chunk.length;
      if (st.queued >= HIGH_WATER && !st.paused) {
        st.paused = true;
        s.pause();
      }
      wake(st);
    },
    drain(s) {
      const d = s.data.drained;
      s.data.drained = null;
      d?.();
    },
    end(s) {
      s.data.ended = true;
      wake(s.data);
    },
    error() {},
    close() {},
  },
});
console.log(`READY ${listener.port} ${process.pid}`);
