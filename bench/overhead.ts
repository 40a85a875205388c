/**
 * polysock's own cost per message, without the network: the echo server loop
 * (`recv(65536)` / `sendall`, or `recvfrom` / `sendto`) runs over an in-memory adapter
 * (`useAdapter`), so only core's JavaScript is measured, free of kernel and scheduling
 * noise. Two baselines run over the same driver: `direct` (the handler writes the chunk
 * back at once, as a raw push server does) and `mini` (a minimal pull loop: one Promise
 * per read, the least an `await recv()` design can cost).
 *
 * Usage: node --import tsx bench/overhead.ts [tcp|udp] [messages]   (also `bun`, `deno run`)
 * Prints one JSON line: CPU microseconds per echoed message for each variant.
 * Profile it: node --cpu-prof --import tsx bench/overhead.ts tcp
 */
import process from "node:process";
import * as socket from "@polysock/core";
import type {
  Adapter,
  DatagramHandlers,
  DatagramTransport,
  Endpoint,
  Listener,
  NetAddress,
  StreamHandlers,
  StreamTransport,
} from "@polysock/core";

const kind = process.argv[2] === "udp" ? "udp" : "tcp";
const MESSAGES = Math.max(1000, Math.min(5e6, Number(process.argv[3] ?? 300000)));
const CONNS = 50; // like the 50-connection ping-pong
const PAYLOAD = new Uint8Array(64).fill(7);

// --- an in-memory adapter ---

let written = 0;
let wantWritten = 0;
let wake: (() => void) | null = null;
function countWrite(): void {
  if (++written >= wantWritten && wake) {
    const w = wake;
    wake = null;
    w();
  }
}

class FakeStream implements StreamTransport {
  h: StreamHandlers | null = null;
  readonly raw = null;
  readonly writePending = false;
  start(h: StreamHandlers): void {
    this.h = h;
  }
  pause(): void {}
  resume(): void {}
  write(data: Uint8Array): number {
    countWrite();
    return data.length;
  }
  shutdownWrite(): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
  abort(): void {}
  localAddress(): NetAddress {
    return { host: "127.0.0.1", port: 9 };
  }
  remoteAddress(): NetAddress {
    return { host: "127.0.0.1", port: 40000 };
  }
  setNoDelay(): void {}
  setKeepAlive(): void {}
}

class FakeDatagram implements DatagramTransport {
  h: DatagramHandlers | null = null;
  readonly raw = null;
  start(h: DatagramHandlers): void {
    this.h = h;
  }
  send(): void {
    countWrite();
  }
  localAddress(): NetAddress {
    return { host: "127.0.0.1", port: 9 };
  }
  setBroadcast(): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
}

let onConnection: ((t: StreamTransport) => void) | null = null;
let dgram: FakeDatagram | null = null;
const fakeAdapter: Adapter = {
  name: "fake",
  capabilities: { connectFromLocalAddress: true, reusePort: true, unix: false },
  listen(ep: Endpoint): Promise<Listener> {
    return Promise.resolve({
      raw: null,
      start(cb: (t: StreamTransport) => void): void {
        onConnection = cb;
      },
      localAddress: () => ({ host: ep.host, port: ep.port || 9 }),
      close: () => Promise.resolve(),
    });
  },
  connect(): Promise<StreamTransport> {
    return Promise.reject(new Error("not used"));
  },
  bindDatagram(): Promise<DatagramTransport> {
    dgram = new FakeDatagram();
    return Promise.resolve(dgram);
  },
  lookup: (host: string) => Promise.resolve([{ address: host === "localhost" ? "127.0.0.1" : host, family: 4 as const }]),
  hostname: () => "bench",
};

// --- the driver: CONNS messages per round, the next round once all were echoed ---

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

async function drive(deliver: (i: number) => void): Promise<{ cpuUs: number; wallUs: number }> {
  const rounds = Math.ceil(MESSAGES / CONNS);
  written = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    wantWritten = (r + 1) * CONNS;
    const done = new Promise<void>((res) => (wake = res));
    for (let i = 0; i < CONNS; i++) deliver(i);
    if (written < wantWritten) await done;
    else wake = null;
  }
  const c = process.cpuUsage(c0);
  return { cpuUs: (c.user + c.system) / (rounds * CONNS), wallUs: ((performance.now() - t0) * 1000) / (rounds * CONNS) };
}

// --- variants ---

async function polysockTcp(): Promise<{ cpuUs: number; wallUs: number }> {
  socket.useAdapter(fakeAdapter);
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  await srv.bind(["127.0.0.1", 9]);
  await srv.listen(511);
  const streams: FakeStream[] = [];
  let accepted = 0;
  void (async () => {
    for (;;) {
      const [conn] = await srv.accept();
      accepted++;
      void (async () => {
        for (;;) {
          const data = await conn.recv(65536);
          if (!data.length) break;
          await conn.sendall(data);
        }
      })();
    }
  })();
  for (let i = 0; i < CONNS; i++) {
    const t = new FakeStream();
    streams.push(t);
    onConnection!(t);
  }
  for (let i = 0; i < 100 && accepted < CONNS; i++) await tick();
  if (accepted < CONNS) throw new Error(`only ${accepted} of ${CONNS} fake connections accepted`);
  await drive((i) => streams[i]!.h!.onData(PAYLOAD)); // warm-up (JIT)
  return drive((i) => streams[i]!.h!.onData(PAYLOAD));
}

async function polysockUdp(): Promise<{ cpuUs: number; wallUs: number }> {
  socket.useAdapter(fakeAdapter);
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await s.bind(["127.0.0.1", 9]);
  void (async () => {
    for (;;) {
      const [data, addr] = await s.recvfrom(65536);
      if (addr !== null) await s.sendto(data, addr);
    }
  })();
  const peers: NetAddress[] = Array.from({ length: CONNS }, (_, i) => ({ host: "127.0.0.1", port: 40000 + i }));
  await drive((i) => dgram!.h!.onMessage(PAYLOAD, peers[i]!));
  return drive((i) => dgram!.h!.onMessage(PAYLOAD, peers[i]!));
}

/** A raw push server: the handler writes back at once. */
async function direct(): Promise<{ cpuUs: number; wallUs: number }> {
  const handlers = Array.from({ length: CONNS }, () => (c: Uint8Array) => {
    if (c.length) countWrite();
  });
  await drive((i) => handlers[i]!(PAYLOAD));
  return drive((i) => handlers[i]!(PAYLOAD));
}

/** The least an `await recv()` loop costs: one queue, one Promise per read that has to wait. */
async function mini(): Promise<{ cpuUs: number; wallUs: number }> {
  class Mini {
    q: Uint8Array[] = [];
    waiter: ((c: Uint8Array) => void) | null = null;
    onData(c: Uint8Array): void {
      const w = this.waiter;
      if (w) {
        this.waiter = null;
        w(c);
      } else this.q.push(c);
    }
    recv(): Promise<Uint8Array> {
      const c = this.q.shift();
      return c ? Promise.resolve(c) : new Promise((r) => (this.waiter = r));
    }
  }
  const conns = Array.from({ length: CONNS }, () => new Mini());
  for (const m of conns)
    void (async () => {
      for (;;) {
        const d = await m.recv();
        if (d.length) countWrite();
      }
    })();
  await drive((i) => conns[i]!.onData(PAYLOAD));
  return drive((i) => conns[i]!.onData(PAYLOAD));
}

const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const d = await direct();
const m = await mini();
const p = kind === "tcp" ? await polysockTcp() : await polysockUdp();
const r = (x: number): number => Math.round(x * 1000) / 1000;
console.log(
  JSON.stringify({
    runtime,
    kind,
    messages: MESSAGES,
    conns: CONNS,
    cpu_us: { direct: r(d.cpuUs), mini: r(m.cpuUs), polysock: r(p.cpuUs) },
    wall_us: { direct: r(d.wallUs), mini: r(m.wallUs), polysock: r(p.wallUs) },
  }),
);
process.exit(0);
