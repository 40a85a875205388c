// The least memory any pull-style API (Python's `recv`) can keep per idle connection on Bun:
// one async function per connection awaiting one Promise per recv() call, over Bun.listen, with
// nothing else (no timeouts, errors, addresses, options). The idle-memory table shows it
// beside the raw push server and polysock. Usage: bun bench/servers/floor_bun_tcp.ts [PORT]
// Prints "READY <port> <pid>".
import process from "node:process";

interface BunSocket {
  data: State;
  write(b: Uint8Array): number;
  end(): void;
}
interface State {
  queue: Uint8Array[];
  wake: (() => void) | null;
  ended: boolean;
}
declare const Bun: {
  listen(o: {
    hostname: string;
    port: number;
    socket: Record<string, (s: BunSocket, ...a: never[]) => void>;
  }): { port: number };
};

const port = Number(process.argv[2] ?? 0);

/** The pull API: one Promise per call (settled at once when data is queued); `undefined` at EOF. */
function recv(st: State): Promise<Uint8Array | undefined> {
  if (st.queue.length > 0 || st.ended) return Promise.resolve(st.queue.shift());
  return new Promise((resolve) => (st.wake = () => resolve(st.queue.shift())));
}

async function serve(s: BunSocket, st: State): Promise<void> {
  for (;;) {
    const chunk = await recv(st);
    if (chunk === undefined) break;
    s.write(chunk); // tiny echoes only (the idle test): no backpressure handling
  }
  s.end();
}

function wake(st: State): void {
  const w = st.wake;
  st.wake = null;
  w?.();
}

const listener = Bun.listen({
  hostname: "127.0.0.1",
  port,
  socket: {
    open(s) {
      s.data = { queue: [], wake: null, ended: false };
      void serve(s, s.data);
    },
    data(s, chunk: Uint8Array) {
      s.data.queue.push(chunk);
      wake(s.data);
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
