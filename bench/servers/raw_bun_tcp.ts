// Raw Bun TCP echo server (the baseline for Bun): Bun.listen, echo from the `data`
// handler; what write() does not accept is kept (copied) and retried from `drain`,
// with reading paused meanwhile, so memory stays bounded.
// `--nodelay=0`: TCP_NODELAY 0 on each connection (Python's default; Bun's is 1), the kernel
// option polysock's Bun sockets start with, so the two differ only in the API.
// Usage: bun bench/servers/raw_bun_tcp.ts [PORT] [--nodelay=0]   Prints "READY <port> <pid>".
import process from "node:process";

interface BunSocket {
  data: State;
  write(b: Uint8Array): number;
  end(): void;
  pause(): void;
  resume(): void;
  setNoDelay(on: boolean): boolean;
}
interface State {
  tail: Uint8Array | null;
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
const pythonNoDelay = process.argv[3] === "--nodelay=0";

function flush(s: BunSocket): void {
  const st = s.data;
  if (st.tail !== null) {
    const n = s.write(st.tail);
    if (n < 0) return; // closed
    if (n < st.tail.length) {
      st.tail = st.tail.subarray(n);
      return;
    }
    st.tail = null;
    s.resume();
  }
  if (st.ended) s.end();
}

const listener = Bun.listen({
  hostname: "127.0.0.1",
  port,
  allowHalfOpen: true, // keep writing the echo after the client's FIN
  socket: {
    open(s) {
      s.data = { tail: null, ended: false };
      if (pythonNoDelay) s.setNoDelay(false);
    },
    data(s, chunk: Uint8Array) {
      const st = s.data;
      if (st.tail !== null) {
        // Only possible if data arrives while paused; keep it, bounded by the pause.
        const t = new Uint8Array(st.tail.length + chunk.length);
        t.set(st.tail);
        t.set(chunk, st.tail.length);
        st.tail = t;
        return;
      }
      const n = s.write(chunk);
      if (n >= 0 && n < chunk.length) {
        st.tail = chunk.slice(n); // Bun reuses chunk memory: copy the unsent tail
        s.pause();
      }
    },
    drain(s) {
      flush(s);
    },
    end(s) {
      s.data.ended = true;
      if (s.data.tail === null) s.end();
    },
    error() {},
    close() {},
  },
});
console.log(`READY ${listener.port} ${process.pid}`);
