// polysock side of the CPython parity harness: the scenarios of test/parity/scenarios.py,
// with the same names, written against @polysock/core. Runs unchanged on Node, Bun and Deno.
// Each scenario resolves to a value or rejects; runScenarios() turns that into the same
// outcome shape the Python script prints: {cls, errno, msg, value[, elapsed]}.
import * as fs from "node:fs";
import { spawn } from "node:child_process";
import * as socket from "@polysock/core";

export interface Outcome {
  cls: string | null;
  errno: number | null;
  msg: string | null;
  value: unknown;
  elapsed?: number | null;
}

type Fn = () => Promise<unknown> | unknown;
const SCENARIOS: [name: string, fn: Fn, timed: boolean][] = [];
const scenario = (name: string, fn: Fn, timed = false): void => {
  SCENARIOS.push([name, fn, timed]);
};

/** Replace a non-zero port in a tuple repr (and in messages) with P, as scenarios.py does. */
export function norm(s: unknown): string {
  return String(s)
    .replace(/^\('([^']*)', [1-9]\d*/, "('$1', P")
    .replace(/\('([^']*)', [1-9]\d*\)/g, "('$1', P)");
}

let ELAPSED: number | null = null;
/** Await fn(), recording its own duration in seconds rounded to 0.1. */
async function timed<T>(fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    ELAPSED = Math.round((performance.now() - t0) / 100) / 10;
  }
}

const enc = new TextEncoder();
const b = (s: string): Uint8Array => enc.encode(s);
const repr = (x: Uint8Array): string => String(x instanceof socket.PyBytes ? x : new socket.PyBytes(x));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pid = typeof process !== "undefined" ? process.pid : Math.floor(Math.random() * 1e6);

async function listener(family: number = socket.AF_INET, host = "127.0.0.1"): Promise<[socket.Socket, number]> {
  const s = socket.socket(family, socket.SOCK_STREAM);
  try {
    await s.bind([host, 0]);
    await s.listen();
  } catch (e) {
    await s.close();
    throw e;
  }
  return [s, (s.getsockname() as unknown as [string, number])[1]];
}

async function pair(): Promise<[socket.Socket, socket.Socket, socket.Socket]> {
  const [l, port] = await listener();
  const c = socket.socket();
  await c.connect(["127.0.0.1", port]);
  const [s] = await l.accept();
  return [c, s, l];
}

async function pollEvents(s: socket.Socket, mask = socket.POLLIN | socket.POLLOUT | socket.POLLPRI): Promise<number[]> {
  const p = socket.poll();
  p.register(s, mask);
  return (await p.poll(200)).map(([, e]) => e);
}

async function deadPort(): Promise<number> {
  const [l, port] = await listener();
  await l.close();
  return port;
}

async function closeAll(...socks: socket.Socket[]): Promise<void> {
  await Promise.all(socks.map((s) => s.close().catch(() => {})));
}

async function udp(bind = true): Promise<socket.Socket> {
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  if (bind) await u.bind(["127.0.0.1", 0]);
  return u;
}

/** with-block helper: run fn(s) and always close s. */
async function withSock<T>(s: socket.Socket, fn: (s: socket.Socket) => Promise<T> | T): Promise<T> {
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** The body of a `c, s, l = pair(); try: ... finally: close_all(c, s, l)` scenario. */
async function withPair<T>(fn: (c: socket.Socket, s: socket.Socket) => Promise<T>): Promise<T> {
  const [c, s, l] = await pair();
  try {
    return await fn(c, s);
  } finally {
    await closeAll(c, s, l);
  }
}

const unlinkQuiet = (p: string): void => {
  try {
    fs.unlinkSync(p);
  } catch {
    /* absent */
  }
};

// ---------------------------------------------------------------- errors on connect/bind

scenario("tcp refused", async () => {
  const port = await deadPort();
  await withSock(socket.socket(), (s) => s.connect(["127.0.0.1", port]));
});

scenario("tcp connect_ex refused", async () => {
  const port = await deadPort();
  return withSock(socket.socket(), (s) => s.connect_ex(["127.0.0.1", port]));
});

scenario("tcp6 refused", async () => {
  const [l, port] = await listener(socket.AF_INET6, "::1");
  await l.close();
  await withSock(socket.socket(socket.AF_INET6), (s) => s.connect(["::1", port]));
});

scenario("tcp bind in use", async () => {
  const [l, port] = await listener();
  try {
    await withSock(socket.socket(), (s) => s.bind(["127.0.0.1", port]));
  } finally {
    await l.close();
  }
});

scenario("udp bind in use", async () => {
  const a = await udp();
  try {
    await withSock(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), (s) => s.bind(a.getsockname() as never));
  } finally {
    await a.close();
  }
});

scenario("bind twice", () =>
  withSock(socket.socket(), async (s) => {
    await s.bind(["127.0.0.1", 0]);
    await s.bind(["127.0.0.1", 0]);
  }));

scenario("bind non-local", () => withSock(socket.socket(), (s) => s.bind(["192.0.2.1", 0])));

scenario("create_server in use", async () => {
  const [l, port] = await listener();
  try {
    await (await socket.create_server(["127.0.0.1", port])).close();
  } finally {
    await l.close();
  }
});

scenario("create_connection refused", async () => {
  const port = await deadPort();
  await (await socket.create_connection(["127.0.0.1", port])).close();
});

scenario("unix connect missing path", () =>
  withSock(socket.socket(socket.AF_UNIX), (s) => s.connect(`/tmp/polysock-parity-missing-${pid}.sock`)));

// ---------------------------------------------------------------- timeouts

scenario(
  "timeout recv",
  () =>
    withPair(async (c) => {
      c.settimeout(0.3);
      await timed(() => c.recv(10));
    }),
  true,
);

scenario(
  "timeout accept",
  async () => {
    const [l] = await listener();
    await withSock(l, async () => {
      l.settimeout(0.3);
      await timed(() => l.accept());
    });
  },
  true,
);

scenario("timeout recv then data kept", () =>
  withPair(async (c, s) => {
    c.settimeout(0.1);
    try {
      await c.recv(10);
    } catch (e) {
      if (!(e instanceof socket.timeout)) throw e;
    }
    await s.sendall(b("late"));
    c.settimeout(2);
    return [repr(await c.recv(10)), c.gettimeout()];
  }));

scenario(
  "timeout connect_ex refused",
  async () => {
    const port = await deadPort();
    return withSock(socket.socket(), (s) => {
      s.settimeout(0.5);
      return timed(() => s.connect_ex(["127.0.0.1", port]));
    });
  },
  true,
);

scenario(
  "timeout sendall to non-reading peer",
  () =>
    withPair(async (c) => {
      c.settimeout(0.5);
      const data = new Uint8Array(16 * 1024 * 1024).fill(0x78); // built before timing, as in Python; 16 MiB: Bun's node:net copies 64 MiB for ~0.3 s
      await timed(() => c.sendall(data));
    }),
  true,
);

// ---------------------------------------------------------------- non-blocking

scenario("nonblocking recv", () =>
  withPair(async (c) => {
    c.setblocking(false);
    await c.recv(10);
  }));

scenario("nonblocking accept", async () => {
  const [l] = await listener();
  await withSock(l, async () => {
    l.setblocking(false);
    await l.accept();
  });
});

scenario("nonblocking send fills up", () =>
  withPair(async (c) => {
    c.setblocking(false);
    const chunk = new Uint8Array(1024 * 1024).fill(0x79);
    for (let i = 0; i < 512; i++) await c.send(chunk);
    return "never blocked";
  }));

scenario("settimeout(0) is non-blocking", () =>
  withSock(socket.socket(), (s) => {
    s.settimeout(0);
    return [s.getblocking(), s.gettimeout()];
  }));

// ---------------------------------------------------------------- stream data

scenario("half-close peer sees EOF", () =>
  withPair(async (c, s) => {
    await c.sendall(b("bye"));
    await c.shutdown(socket.SHUT_WR);
    return [repr(await s.recv(10)), repr(await s.recv(10))];
  }));

scenario("send after SHUT_WR", () =>
  withPair(async (c) => {
    await c.shutdown(socket.SHUT_WR);
    await c.send(b("x"));
  }));

scenario("half-close reply still flows", () =>
  withPair(async (c, s) => {
    await c.shutdown(socket.SHUT_WR);
    await s.recv(10);
    await s.sendall(b("answer"));
    return repr(await c.recv(10));
  }));

scenario("EOF recv twice", () =>
  withPair(async (c, s) => {
    await s.close();
    return [repr(await c.recv(10)), repr(await c.recv(10))];
  }));

scenario("recv(0)", () =>
  withPair(async (c, s) => {
    await s.sendall(b("abc"));
    const a = await c.recv(0);
    return [repr(a), repr(await c.recv(10))];
  }));

scenario("recv(-1)", () => withPair((c) => c.recv(-1)));

scenario("recv_into", () =>
  withPair(async (c, s) => {
    await s.sendall(b("hello"));
    const buf = new Uint8Array(8);
    const n = await c.recv_into(buf);
    return [n, repr(buf)];
  }));

scenario("recv_into too small", () => withPair((c) => c.recv_into(new Uint8Array(4), 10)));

scenario("MSG_PEEK", () =>
  withPair(async (c, s) => {
    await s.sendall(b("peek"));
    const a = await c.recv(4, socket.MSG_PEEK);
    return [repr(a), repr(await c.recv(4))];
  }));

scenario("MSG_WAITALL", () =>
  withPair(async (c, s) => {
    await s.sendall(b("ab"));
    const later = sleep(100).then(() => s.sendall(b("cd")));
    const data = await c.recv(4, socket.MSG_WAITALL);
    await later;
    return repr(data);
  }));

scenario("recvfrom on TCP", () =>
  withPair(async (c, s) => {
    await s.sendall(b("hi"));
    const [data, addr] = await c.recvfrom(10);
    return [repr(data), addr];
  }));

scenario("sendall 1 MiB round trip", () =>
  withPair(async (c, s) => {
    const payload = new Uint8Array(256 * 4096);
    for (let i = 0; i < payload.length; i++) payload[i] = i & 0xff;
    const reading = (async () => {
      const parts: Uint8Array[] = [];
      for (;;) {
        const d = await s.recv(65536);
        if (!d.length) break;
        parts.push(d.slice());
      }
      return parts;
    })();
    await c.sendall(payload);
    await c.shutdown(socket.SHUT_WR);
    const parts = await reading;
    const n = parts.reduce((a, p) => a + p.length, 0);
    let ok = n === payload.length;
    let off = 0;
    for (const p of parts) {
      for (let i = 0; ok && i < p.length; i++) if (p[i] !== payload[off + i]) ok = false;
      off += p.length;
    }
    return [n, ok];
  }));

scenario("send str", () => withPair((c) => c.send("text")));

scenario("makefile readline then recv", () =>
  withPair(async (c, s) => {
    const f = s.makefile("rb");
    await c.sendall(b("line1\n"));
    const line = await f.readline();
    await c.sendall(b("rest"));
    const data = await s.recv(10);
    await f.close();
    return [String(line), repr(data)];
  }));

scenario("makefile bad mode", () => withSock(socket.socket(), (s) => s.makefile("x")));

// ---------------------------------------------------------------- UDP

scenario("udp truncation", async () => {
  const a = await udp();
  const c = await udp();
  try {
    await c.sendto(b("0123456789"), a.getsockname() as never);
    await c.sendto(b("next"), a.getsockname() as never);
    const [d1] = await a.recvfrom(4);
    const [d2] = await a.recvfrom(100);
    return [repr(d1), repr(d2)];
  } finally {
    await closeAll(a, c);
  }
});

scenario("udp empty datagram", async () => {
  const a = await udp();
  const c = await udp();
  try {
    const n = await c.sendto(new Uint8Array(0), a.getsockname() as never);
    const [d, addr] = await a.recvfrom(10);
    return [n, repr(d), norm(addr)];
  } finally {
    await closeAll(a, c);
  }
});

scenario("udp 65507 ok", async () => {
  const a = await udp();
  const c = await udp();
  try {
    const n = await c.sendto(new Uint8Array(65507).fill(0x7a), a.getsockname() as never);
    const [d] = await a.recvfrom(70000);
    return [n, d.length];
  } finally {
    await closeAll(a, c);
  }
});

scenario("udp 65508 too long", async () => {
  const a = await udp();
  const c = await udp();
  try {
    await c.sendto(new Uint8Array(65508).fill(0x7a), a.getsockname() as never);
  } finally {
    await closeAll(a, c);
  }
});

scenario("udp send unconnected", () =>
  withSock(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), (u) => u.send(b("x"))));

scenario("udp listen", () =>
  withSock(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), async (u) => {
    await u.bind(["127.0.0.1", 0]);
    await u.listen();
  }));

scenario("udp connected round trip", async () => {
  const a = await udp();
  const c = await udp();
  try {
    await c.connect(a.getsockname() as never);
    await c.send(b("ping"));
    const [d, addr] = await a.recvfrom(10);
    await a.sendto(b("pong"), addr as never);
    return [repr(d), repr(await c.recv(10)), norm(c.getpeername())];
  } finally {
    await closeAll(a, c);
  }
});

scenario("udp connect keeps datagrams already queued from others", async () => {
  const me = await udp();
  const peer = await udp();
  const other = await udp();
  const same = (a: unknown, b: unknown): boolean => String(a) === String(b);
  try {
    await other.sendto(b("early"), me.getsockname() as never);
    await sleep(50);
    await me.connect(peer.getsockname() as never);
    await other.sendto(b("late"), me.getsockname() as never);
    await peer.sendto(b("peer"), me.getsockname() as never);
    await sleep(50);
    me.settimeout(0.3);
    const got: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      try {
        const [d, addr] = await me.recvfrom(10);
        got.push([repr(d), same(addr, other.getsockname()), same(addr, peer.getsockname())]);
      } catch (e) {
        if (!(e instanceof socket.TimeoutError)) throw e;
        got.push("timed out");
        break;
      }
    }
    return got;
  } finally {
    await closeAll(me, peer, other);
  }
});

// Argument checks as CPython words them (sixth audit).
const withNew = <T>(fn: (s: socket.Socket) => T, ...args: number[]): Promise<T> =>
  withSock(socket.socket(...(args as [number?, number?, number?])), fn);
const any = (v: unknown): never => v as never;
scenario("recv_into None", () => withNew((s) => s.recv_into(any(null))));
scenario("setblocking None", () => withNew((s) => s.setblocking(any(null))));
scenario("setblocking float", () => withNew((s) => s.setblocking(any(2.5))));
scenario("setblocking int", () => withNew((s) => [s.setblocking(any(0)), s.gettimeout()][1]));
scenario("socket -1 defaults", () => withNew((s) => [s.family, s.type, s.proto], -1, -1, -1));
scenario("settimeout beyond int64 ns", () => withNew((s) => s.settimeout(9.3e9)));
scenario("settimeout 9.2e9", () => withNew((s) => [s.settimeout(9.2e9), s.gettimeout()][1]));
scenario("unix setsockopt TCP_NODELAY", () => withNew((s) => s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1), socket.AF_UNIX));
scenario("unix setsockopt IP_TTL", () => withNew((s) => s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 5), socket.AF_UNIX));
scenario("makefile bytes mode", () => withNew((s) => s.makefile(any(new TextEncoder().encode("r")))));
scenario("makefile buffering 2**63", () => withNew((s) => s.makefile("rb", 2 ** 63)));
scenario("closed getsockopt buflen -1", () => withNew(async (s) => [await s.close(), s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, -1)]));
scenario("bind(host, port) without the tuple", () => withNew((s) => (s.bind as (...a: unknown[]) => Promise<void>).call(s, "127.0.0.1", 0)));
scenario("connect(host, port) without the tuple", () => withNew((s) => (s.connect as (...a: unknown[]) => Promise<void>).call(s, "127.0.0.1", 9)));
scenario("connect_ex(host, port) without the tuple", () => withNew((s) => (s.connect_ex as (...a: unknown[]) => Promise<number>).call(s, "127.0.0.1", 9)));
scenario("gethostbyname bytes", () => socket.gethostbyname(new TextEncoder().encode("localhost")));
scenario("gethostbyname None", () => socket.gethostbyname(any(null)));
scenario("getservbyname None", () => socket.getservbyname(any(null)));

scenario(
  "udp recvfrom timeout",
  async () => {
    const a = await udp();
    await withSock(a, async () => {
      a.settimeout(0.3);
      await timed(() => a.recvfrom(10));
    });
  },
  true,
);

// ---------------------------------------------------------------- after close

async function closed(): Promise<socket.Socket> {
  const s = socket.socket();
  await s.close();
  return s;
}

scenario("closed recv", async () => (await closed()).recv(1));
scenario("closed send", async () => (await closed()).send(b("x")));
scenario("closed getsockname", async () => (await closed()).getsockname());
scenario("closed settimeout", async () => (await closed()).settimeout(1));
scenario("closed connect_ex", async () => (await closed()).connect_ex(["127.0.0.1", 9]));
scenario("closed fileno and close again", async () => {
  const s = await closed();
  await s.close();
  return s.fileno();
});

// ---------------------------------------------------------------- shutdown

scenario("shutdown bad how", () => withPair((c) => c.shutdown(5)));
scenario("shutdown unconnected", () => withSock(socket.socket(), (s) => s.shutdown(socket.SHUT_RDWR)));

// ---------------------------------------------------------------- bad arguments

scenario("bind port 70000", () => withSock(socket.socket(), (s) => s.bind(["127.0.0.1", 70000])));
scenario("bind str address", () => withSock(socket.socket(), (s) => s.bind("127.0.0.1" as never)));
scenario("bind 1-tuple", () => withSock(socket.socket(), (s) => s.bind(["127.0.0.1"] as never)));
scenario("bind float port", () => withSock(socket.socket(), (s) => s.bind(["127.0.0.1", 1.5])));
scenario("bind None host", () => withSock(socket.socket(), (s) => s.bind([null, 0] as never)));
scenario("settimeout(-1)", () => withSock(socket.socket(), (s) => s.settimeout(-1)));
scenario("settimeout(nan)", () => withSock(socket.socket(), (s) => s.settimeout(NaN)));

scenario("getaddrinfo bad name", () => socket.getaddrinfo("no-such-host.invalid", 80));

scenario("getaddrinfo numeric", async () => {
  const r = await socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM);
  return r.map(([f, t, p, c, a]) => [f, t, p, c, String(a)]);
});

// ---------------------------------------------------------------- module helpers

scenario("inet_aton", () => ["1.2.3.4", "127.1", "1", "0x7f.1"].map((x) => repr(socket.inet_aton(x))));
scenario("inet_aton bad", () => socket.inet_aton("256.1.1.1"));
scenario("inet_ntoa", () => socket.inet_ntoa(new Uint8Array([127, 0, 0, 1])));
scenario("inet_ntoa bad length", () => socket.inet_ntoa(b("abc")));
scenario("inet_pton", () => [
  repr(socket.inet_pton(socket.AF_INET6, "::1")),
  repr(socket.inet_pton(socket.AF_INET, "10.0.0.1")),
]);
scenario("inet_pton bad", () => socket.inet_pton(socket.AF_INET, "127.1"));
const hex = (h: string): Uint8Array => new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16)));
scenario("inet_ntop", () => [
  socket.inet_ntop(socket.AF_INET6, hex("20010db8000000000000000000000001")),
  socket.inet_ntop(socket.AF_INET6, hex("00000000000000000000ffff01020304")),
  socket.inet_ntop(socket.AF_INET, new Uint8Array([1, 2, 3, 4])),
]);
scenario("inet_ntop bad length", () => socket.inet_ntop(socket.AF_INET6, new Uint8Array(5)));
scenario("htons htonl ntohs ntohl", () => [socket.htons(1), socket.htonl(1), socket.ntohs(256), socket.ntohl(16777216)]);
scenario("htons overflow", () => socket.htons(65536));
scenario("htonl overflow", () => socket.htonl(2 ** 32));

// ---------------------------------------------------------------- options

scenario("getsockopt TCP defaults", () =>
  withSock(socket.socket(), (s) => [
    ...[socket.SO_RCVBUF, socket.SO_SNDBUF, socket.SO_REUSEADDR, socket.SO_KEEPALIVE].map((o) =>
      s.getsockopt(socket.SOL_SOCKET, o),
    ),
    s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY),
  ]));

scenario("getsockopt UDP defaults", () =>
  withSock(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), (s) =>
    [socket.SO_RCVBUF, socket.SO_SNDBUF, socket.SO_BROADCAST].map((o) => s.getsockopt(socket.SOL_SOCKET, o)),
  ));

scenario("setsockopt SO_RCVBUF doubles", () =>
  withSock(socket.socket(), (s) => {
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
    return [s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)];
  }));

// ---------------------------------------------------------------- helpers, reprs, with

scenario("socketpair round trip", async () => {
  const [a, c] = await socket.socketpair();
  try {
    await a.sendall(b("pair"));
    return [repr(await c.recv(10)), a.family, a.type];
  } finally {
    await closeAll(a, c);
  }
});

scenario("accept address repr", async () => {
  const [c, s, l] = await pair();
  try {
    return [norm(`${c.getpeername()}`), norm(`${s.getpeername()}`), norm(`${l.getsockname()}`)];
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("ipv6 address repr", async () => {
  const [l, port] = await listener(socket.AF_INET6, "::1");
  try {
    return await withSock(socket.socket(socket.AF_INET6), async (c) => {
      await c.connect(["::1", port]);
      const [s, addr] = await l.accept();
      await s.close();
      return [norm(`${addr}`), norm(`${c.getpeername()}`)];
    });
  } finally {
    await l.close();
  }
});

scenario("bytes repr", () =>
  withPair(async (c, s) => {
    await s.sendall(new Uint8Array([...b("it's \"q\"\n\t"), 0, 0xff, 0x5c]));
    const data = await c.recv(100);
    return `${data}`;
  }));

scenario("getsockname unbound", async () => {
  await using s = socket.socket();
  await using s6 = socket.socket(socket.AF_INET6);
  return [`${s.getsockname()}`, `${s6.getsockname()}`];
});

scenario("with closes", async () => {
  let inside = false;
  let outer: socket.Socket;
  {
    await using s = socket.socket();
    inside = s.fileno() >= 0;
    outer = s;
  }
  return [inside, outer.fileno()];
});

scenario("unix round trip", async () => {
  const path = `/tmp/polysock-parity-${pid}-ts.sock`;
  unlinkQuiet(path);
  const l = socket.socket(socket.AF_UNIX);
  try {
    await l.bind(path);
    await l.listen();
    return await withSock(socket.socket(socket.AF_UNIX), async (c) => {
      await c.connect(path);
      const [s, addr] = await l.accept();
      await c.sendall(b("unix"));
      const data = await s.recv(10);
      await s.close();
      return [repr(data), l.getsockname() === path, addr, c.getpeername() === path];
    });
  } finally {
    await l.close();
    unlinkQuiet(path);
  }
});

scenario("unix bind in use", async () => {
  const path = `/tmp/polysock-parity-inuse-${pid}-ts.sock`;
  unlinkQuiet(path);
  const l = socket.socket(socket.AF_UNIX);
  try {
    await l.bind(path);
    await l.listen();
    await withSock(socket.socket(socket.AF_UNIX), (s) => s.bind(path));
  } finally {
    await l.close();
    unlinkQuiet(path);
  }
});

scenario("getnameinfo", async () => [
  await socket.getnameinfo(["127.0.0.1", 80], 0),
  await socket.getnameinfo(["127.0.0.1", 12345], 0),
  await socket.getnameinfo(["127.0.0.1", 80], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
  await socket.getnameinfo(["127.0.0.1", 53], socket.NI_DGRAM),
  await socket.getnameinfo(["127.0.0.1", 70000], socket.NI_NUMERICHOST),
  await socket.getnameinfo(["::1", 22, 0, 0], socket.NI_NUMERICHOST),
  await socket.getnameinfo(["0:0::1", 22, 0, 0], socket.NI_NUMERICHOST),
]);
scenario("getnameinfo name required", () => socket.getnameinfo(["10.255.255.1", 80], socket.NI_NAMEREQD));
scenario("getnameinfo not numeric", () => socket.getnameinfo(["localhost", 80], 0));
scenario("getnameinfo IPv4 4-tuple", () => socket.getnameinfo(["127.0.0.1", 80, 0, 0], 0));
scenario("getnameinfo negative port", () => socket.getnameinfo(["127.0.0.1", -1], 0));
scenario("gethostbyaddr", async () => [await socket.gethostbyaddr("127.0.0.1"), await socket.gethostbyaddr("localhost")]);
scenario("gethostbyaddr unknown", () => socket.gethostbyaddr("10.255.255.1"));

scenario("getfqdn", async () => [
  await socket.getfqdn(),
  await socket.getfqdn("127.0.0.1"),
  await socket.getfqdn(" localhost "),
  await socket.getfqdn("10.255.255.1"),
]);

const linger = (onoff: number, seconds: number): Uint8Array => new Uint8Array(new Int32Array([onoff, seconds]).buffer);
scenario("so_linger options", () =>
  withSock(socket.socket(), (s) => {
    const out: unknown[] = [s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER), String(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8))];
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger(1, 5));
    out.push(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER), String(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)));
    out.push(String(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4)));
    out.push(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 0));
    for (const bad of [1, new Uint8Array([1])]) {
      try {
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, bad);
      } catch (e) {
        out.push((e as Error).message);
      }
    }
    try {
      s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2000);
    } catch (e) {
      out.push((e as Error).message);
    }
    return out;
  }),
);
/** `struct.pack("ll", seconds, microseconds)`: a Linux `struct timeval`. */
const timeval = (sec: number, usec: number): Uint8Array => new Uint8Array(new BigInt64Array([BigInt(sec), BigInt(usec)]).buffer);
const errLine = (e: unknown): string => `${(e as Error).name}: ${(e as Error).message}`;
scenario("so_rcvtimeo options", () =>
  withSock(socket.socket(), (s) => {
    const out: unknown[] = [s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO), String(s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, 16))];
    const longer = new Uint8Array(18);
    longer.set(timeval(7, 0));
    longer.set(b("ab"), 16);
    for (const v of [timeval(2, 500000), timeval(0, 1), timeval(-3, 0), longer]) {
      s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, v);
      out.push(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO), String(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, 32)));
    }
    out.push(String(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, 4)));
    for (const bad of [1, new Uint8Array(8).fill(1), timeval(1, 1000000), timeval(1, -1)]) {
      try {
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, bad);
      } catch (e) {
        out.push((e as Error).message);
      }
    }
    out.push(String(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 8)));
    out.push(String(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 16)));
    return out;
  }),
);
scenario(
  "so_rcvtimeo recv in blocking mode",
  async () => {
    const [c, s, l] = await pair();
    try {
      c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval(0, 300000));
      await timed(() => c.recv(10));
    } finally {
      await closeAll(c, s, l);
    }
  },
  true,
);
scenario("so_rcvtimeo only in blocking mode", async () => {
  const [c, s, l] = await pair();
  try {
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval(0, 200000));
    const out: unknown[] = [c.gettimeout()];
    c.settimeout(0.1);
    try {
      await c.recv(10);
    } catch (e) {
      out.push(errLine(e));
    }
    c.settimeout(null);
    await s.sendall("late");
    out.push(repr(await c.recv(10)));
    try {
      await c.recv(10);
    } catch (e) {
      out.push(errLine(e));
    }
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});
scenario("so_rcvtimeo accept and recvfrom, inherited", async () => {
  const [l, port] = await listener();
  const u = await udp();
  const c = socket.socket();
  try {
    const tv = timeval(0, 200000);
    l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, tv);
    u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, tv);
    const out: unknown[] = [];
    for (const call of [() => l.accept(), () => u.recvfrom(10)]) {
      try {
        await call();
      } catch (e) {
        out.push(errLine(e));
      }
    }
    await c.connect(["127.0.0.1", port]);
    const [a] = await l.accept();
    out.push(String(a.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, 16)));
    await a.close();
    return out;
  } finally {
    await closeAll(c, u, l);
  }
});
scenario("so_sndtimeo sendall to non-reading peer", async () => {
  const [c, s, l] = await pair();
  try {
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval(0, 200000));
    await c.sendall(new Uint8Array(16 * 1024 * 1024));
  } finally {
    await closeAll(c, s, l);
  }
});
scenario("flags checked", async () => {
  const [c, s, l] = await pair();
  const u = await udp();
  try {
    await s.sendall("abc");
    await sleep(100);
    const out: string[] = [];
    const anyFlags = (v: unknown): number => v as number; // what a port passes through unchecked
    for (const call of [
      () => c.recv(10, anyFlags(null)),
      () => c.recv(10, 1.5),
      () => c.recv(10, anyFlags("0")),
      () => c.recv(10, 2 ** 31),
      () => c.recv(10, socket.MSG_OOB),
      () => c.send("x", -(2 ** 31) - 1),
      () => u.sendto("x", socket.MSG_OOB, ["127.0.0.1", 9]),
      () => u.recvfrom(10, anyFlags(null)),
    ]) {
      try {
        out.push(String(await call()));
      } catch (e) {
        out.push(errLine(e));
      }
    }
    out.push(repr(await c.recv(10))); // nothing was consumed
    return out;
  } finally {
    await closeAll(c, s, l, u);
  }
});
scenario(
  "msg_dontwait with a timeout waits",
  async () => {
    const [c, s, l] = await pair();
    try {
      c.settimeout(0.3);
      await timed(() => c.recv(10, socket.MSG_DONTWAIT));
    } finally {
      await closeAll(c, s, l);
    }
  },
  true,
);
scenario("udp connect to broadcast and wildcard", async () => {
  const u = await udp();
  try {
    const out: string[] = [];
    for (const host of ["<broadcast>", "127.255.255.255", "0.0.0.0", ""]) {
      try {
        await u.connect([host, 9]);
        out.push((u.getpeername() as unknown as [string, number])[0]);
      } catch (e) {
        out.push(errLine(e));
      }
    }
    u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1);
    await u.connect(["127.255.255.255", 9]);
    out.push((u.getpeername() as unknown as [string, number])[0]);
    return out;
  } finally {
    await u.close();
  }
});
/** Python's ascii(str). */
const pyAscii = (t: string): string =>
  "'" + [...t].map((ch) => { const c = ch.codePointAt(0)!; return c === 0x27 ? "\\'" : c === 0x5c ? "\\\\" : c >= 0x20 && c < 0x7f ? ch : c < 0x100 ? `\\x${c.toString(16).padStart(2, "0")}` : c < 0x10000 ? `\\u${c.toString(16).padStart(4, "0")}` : `\\U${c.toString(16).padStart(8, "0")}`; }).join("") + "'";
scenario("bytes decode", () => {
  const out: unknown[] = [];
  const by = (...x: number[]): socket.PyBytes => new socket.PyBytes(x);
  const cases: [socket.PyBytes, string, string][] = [
    [by(0xef, 0xbb, 0xbf, 0x68, 0x69), "utf-8", "strict"],
    [by(0xef, 0xbb, 0xbf, 0x68, 0x69), "utf-8-sig", "strict"],
    [by(0x68, 0, 0x69, 0), "utf-16-le", "strict"],
    [by(0, 0x68, 0, 0x69), "UTF_16_BE", "strict"],
    [by(0xff, 0xfe, 0x68, 0), "utf-16", "strict"],
    [by(0x61, 0x62, 0xff, 0x80, 0x63), "utf-8", "backslashreplace"],
    [by(0x61, 0x62, 0xff, 0x63), "utf-8", "ignore"],
    [by(0x61, 0x62, 0xff, 0x63), "utf-8", "replace"],
    [by(0x61, 0x62, 0xff, 0x63), "utf-8", "bogus"],
    [by(0x61, 0x62, 0x63), "utf-8", "bogus"],
    [by(0x61, 0x62, 0x63), "nosuch", "strict"],
    [by(0x61, 0x62, 0x63), "hex", "strict"],
    [by(0x61, 0x62, 0xe9), "ascii", "backslashreplace"],
    [by(0x61, 0x62, 0xe2, 0x82), "UTF8", "strict"],
  ];
  for (const [data, enc, errors] of cases) {
    try {
      out.push(pyAscii(data.decode(enc, errors)));
    } catch (e) {
      out.push(errLine(e));
      if (e instanceof socket.UnicodeDecodeError) out.push([e.encoding, e.start, e.end, e.reason]);
    }
  }
  out.push(by(1, 2, 3, 4, 5).hex(":", 2));
  return out;
});
scenario("setsockopt checks", async () => {
  const out: unknown[] = [];
  await withSock(socket.socket(), (s) => {
    for (const [level, opt, v] of [
      [socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 0],
      [socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 32768],
      [socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 128],
      [socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 60],
      [socket.SOL_SOCKET, socket.SO_REUSEADDR, 2 ** 31],
      [socket.SOL_SOCKET, socket.SO_REUSEADDR, new Uint8Array([1])],
      [socket.IPPROTO_IP, socket.IP_TTL, new Uint8Array([5])],
      [socket.SOL_SOCKET, socket.SO_RCVBUF, -1],
    ] as [number, number, number | Uint8Array][]) {
      try {
        s.setsockopt(level, opt, v);
        out.push(s.getsockopt(level, opt));
      } catch (e) {
        out.push(errLine(e));
      }
    }
  });
  await withSock(socket.socket(socket.AF_INET6), async (s6) => {
    await s6.bind(["::1", 0]);
    try {
      s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1);
    } catch (e) {
      out.push((e as Error).message);
    }
  });
  for (const name of ["TCP", "Tcp", "sctp", "igmp"]) {
    try {
      out.push(socket.getprotobyname(name));
    } catch (e) {
      out.push((e as Error).message);
    }
  }
  return out;
});
scenario("create_connection all_errors", async () => {
  const port = await deadPort();
  try {
    await socket.create_connection(["127.0.0.1", port], undefined, undefined, { all_errors: true });
  } catch (e) {
    const eg = e as socket.ExceptionGroup;
    return [eg.name, eg.message, eg.exceptions.map(errLine)];
  }
});
scenario("socketpair under setdefaulttimeout(0); timeouts in nanoseconds", async () => {
  socket.setdefaulttimeout(0);
  const out: unknown[] = [];
  try {
    const [a, b] = await socket.socketpair();
    out.push(a.gettimeout(), b.gettimeout(), a.getblocking());
    await closeAll(a, b);
  } finally {
    socket.setdefaulttimeout(null);
  }
  await withSock(socket.socket(), (s) => {
    for (const v of [1e-10, 1 / 3, 0.7]) {
      s.settimeout(v);
      out.push(s.gettimeout());
    }
  });
  return out;
});
const mreq = (group: string, iface: string): Uint8Array => new Uint8Array([...socket.inet_aton(group), ...socket.inet_aton(iface)]);
scenario("multicast options", async () => {
  const out: unknown[] = [];
  await withSock(socket.socket(), (t) => {
    for (const [opt, v] of [
      [socket.IP_MULTICAST_TTL, 2],
      [socket.IP_MULTICAST_LOOP, 0],
      [socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1")],
    ] as const) {
      try {
        t.setsockopt(socket.IPPROTO_IP, opt, v);
        out.push(t.getsockopt(socket.IPPROTO_IP, opt));
      } catch (e) {
        out.push((e as Error).message);
      }
    }
    try {
      t.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq("224.1.1.1", "127.0.0.1"));
    } catch (e) {
      out.push((e as Error).message);
    }
  });
  const u = await udp(false);
  try {
    out.push([socket.IP_MULTICAST_TTL, socket.IP_MULTICAST_LOOP, socket.IP_MULTICAST_IF].map((o) => u.getsockopt(socket.IPPROTO_IP, o)));
    for (const v of [-1, 256, 0, new Uint8Array([5]), 1]) {
      try {
        u.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, v);
        out.push(u.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL));
      } catch (e) {
        out.push((e as Error).message);
      }
    }
    const mreqn = new Uint8Array(12);
    mreqn.set(socket.inet_aton("127.0.0.1"), 4);
    for (const v of [socket.inet_aton("127.0.0.1"), new Uint8Array([127, 0]), mreqn]) {
      try {
        u.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, v);
        out.push(u.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF), String(u.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, 4)));
      } catch (e) {
        out.push((e as Error).message);
      }
    }
    const byIndex = new Uint8Array(12);
    byIndex.set(socket.inet_aton("224.1.1.23"));
    byIndex[8] = 1; // interface index 1: lo
    const steps: ([number, Uint8Array] | "bind")[] = [
      [socket.IP_ADD_MEMBERSHIP, mreq("224.1.1.21", "127.0.0.1")],
      [socket.IP_ADD_MEMBERSHIP, mreq("224.1.1.21", "127.0.0.1")],
      "bind",
      [socket.IP_ADD_MEMBERSHIP, mreq("10.1.1.1", "127.0.0.1")],
      [socket.IP_ADD_MEMBERSHIP, socket.inet_aton("224.1.1.22")],
      [socket.IP_ADD_MEMBERSHIP, byIndex],
      [socket.IP_DROP_MEMBERSHIP, mreq("224.1.1.21", "127.0.0.1")],
      [socket.IP_DROP_MEMBERSHIP, mreq("224.1.1.21", "127.0.0.1")],
      [socket.IP_DROP_MEMBERSHIP, mreq("10.1.1.1", "0.0.0.0")],
      [socket.IP_MULTICAST_IF, mreq("224.1.1.24", "127.0.0.1")],
    ];
    for (const step of steps) {
      if (step === "bind") {
        await u.bind(["", 0]);
        continue;
      }
      try {
        u.setsockopt(socket.IPPROTO_IP, step[0], step[1]);
        out.push("ok");
      } catch (e) {
        out.push((e as Error).message);
      }
    }
    out.push(socket.inet_ntoa(u.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, 4) as Uint8Array));
    try {
      u.getsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP);
    } catch (e) {
      out.push((e as Error).message);
    }
    return out;
  } finally {
    await u.close();
  }
});
scenario("multicast on loopback", async () => {
  const group = "224.1.1.31";
  const r = await udp(false);
  const s = await udp(false);
  try {
    r.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
    await r.bind(["", 0]);
    const port = (r.getsockname() as unknown as [string, number])[1];
    r.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq(group, "127.0.0.1"));
    r.settimeout(2);
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1);
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"));
    const out: unknown[] = [await s.sendto("hello group", [group, port])];
    const [data, addr] = await r.recvfrom(100);
    const from = addr as unknown as [string, number];
    out.push(repr(data), from[0], from[1] === (s.getsockname() as unknown as [string, number])[1]);
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0); // over lo it still arrives
    await s.sendto("no loop", [group, port]);
    out.push(repr((await r.recvfrom(100))[0]));
    r.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, mreq(group, "127.0.0.1"));
    await s.sendto("after drop", [group, port]);
    r.settimeout(0.3);
    try {
      out.push(repr((await r.recvfrom(100))[0]));
    } catch (e) {
      out.push((e as Error).name);
    }
    return out;
  } finally {
    await closeAll(r, s);
  }
});
scenario("so_linger zero resets on close", async () => {
  const [c, s, l] = await pair();
  try {
    await c.sendall("last words");
    // The peer's runtime reads it before the reset arrives: libuv (Node) reports data and a
    // reset that arrive together as EOF (it reads SO_ERROR, which clears the reset).
    await sleep(100);
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger(1, 0));
    await c.close();
    await sleep(200);
    const out = [repr(await s.recv(100))];
    try {
      out.push(repr(await s.recv(100)));
    } catch (e) {
      out.push(`${(e as Error).name}: ${(e as Error).message}`);
    }
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("makefile readline of a line the peer reset", async () => {
  const [c, s, l] = await pair();
  try {
    await c.sendall("partial line without newl");
    await sleep(100); // the peer's runtime reads it before the reset arrives
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger(1, 0));
    await c.close();
    await sleep(200);
    const out: string[] = [];
    for (const mode of ["rb", "r"]) {
      const f = s.makefile(mode);
      const show = (v: unknown): string => (typeof v === "string" ? `'${v}'` : repr(v as Uint8Array));
      try {
        out.push(show(await f.readline()));
      } catch (e) {
        out.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
      out.push(show(await f.readline()));
      await f.close();
    }
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("select readiness", async () => {
  const lens = (r: socket.Socket[][]): number[] => [...r].map((x) => x.length);
  const fresh = socket.socket();
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const [c, s, l] = await pair();
  try {
    const out: unknown[] = [lens(await socket.select([fresh], [fresh], [fresh], 0))];
    out.push(lens(await socket.select([u], [u], [u], 0)));
    out.push(lens(await socket.select([l, s], [l], [], 0)));
    await c.sendall("x");
    await sleep(50); // arrived (an async runtime delivers it on a later turn)
    out.push(lens(await socket.select([l, s], [s], [], 5)));
    await c.shutdown(socket.SHUT_WR);
    await s.recv(10);
    out.push(lens(await socket.select([s], [], [], 5)));
    const d = socket.socket();
    d.setblocking(false);
    out.push(await d.connect_ex(["127.0.0.1", await deadPort()]));
    out.push(lens(await socket.select([d], [d], [], 5)));
    out.push(d.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR));
    await d.close();
    return out;
  } finally {
    await closeAll(fresh, u, c, s, l);
  }
});
scenario("select negative timeout", () => socket.select([], [], [], -1));
scenario("select closed socket", async () => {
  const s = socket.socket();
  await s.close();
  return socket.select([s], [], [], 0);
});

scenario("blocking send takes everything", async () => {
  const [c, s, l] = await pair();
  try {
    const size = 8 << 20;
    let got = 0;
    const reader = (async () => {
      while (got < size) {
        const d = await c.recv(1 << 20);
        if (!d.length) break;
        got += d.length;
      }
    })();
    const data = new Uint8Array(size).fill(120);
    const n = await s.send(data);
    if (n < size) await s.sendall(data.subarray(n));
    await reader;
    return [n, got];
  } finally {
    await closeAll(c, s, l);
  }
});
scenario("send to a closed peer: the error stays on the send side", async () => {
  const [c, s, l] = await pair();
  try {
    await s.close();
    await sleep(50);
    const out: unknown[] = [repr(await c.recv(10))];
    let err: string | null = null;
    for (let i = 0; i < 10; i++) {
      try {
        await c.send("x");
      } catch (e) {
        err = (e as Error).name;
        break;
      }
      await sleep(30);
    }
    out.push(err, repr(await c.recv(10)));
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("makefile newline, errors, buffering", async () => {
  const [c, s, l] = await pair();
  c.settimeout(5);
  s.settimeout(5);
  const out: unknown[] = [];
  try {
    const cases: [socket.MakefileOptions["newline"], string, number][] = [
      [null, "a\r\nb\rc\n", 3],
      ["", "a\r\nb\rc\nd\r\n", 4],
      ["\r\n", "a\r\nb\nc\r\n", 2],
      ["\n", "a\r\nb\n", 2],
    ];
    for (const [newline, data, n] of cases) {
      await c.sendall(data);
      const f = s.makefile("r", { newline });
      const lines: unknown[] = [];
      for (let i = 0; i < n; i++) lines.push(await f.readline());
      out.push(lines);
      await f.close();
    }
    let f = s.makefile("w", { newline: "\r\n" });
    out.push(f.write("x\ny\n"));
    await f.flush();
    await f.close();
    out.push(repr(await c.recv(100)));
    const bad: [string, number[]][] = [["replace", [0xff, 0x6f, 0x6b, 10]], ["ignore", [0xff, 0x6f, 0x6b, 10]], ["strict", [0x61, 0x62, 0xe2, 0x82, 0x28, 10]]];
    for (const [errors, data] of bad) {
      await c.sendall(new Uint8Array(data));
      f = s.makefile("r", { errors });
      try {
        out.push(await f.readline());
      } catch (e) {
        out.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
      await f.close();
    }
    f = s.makefile("wb", 0);
    f.write(new Uint8Array([110, 111, 119]));
    out.push(repr(await c.recv(100)));
    await f.close();
    await c.sendall("abc");
    await sleep(50);
    f = s.makefile("rb", 0);
    out.push(repr((await f.read(10)) as Uint8Array));
    await f.close();
    try {
      s.makefile("r", 0);
    } catch (e) {
      out.push((e as Error).message);
    }
    f = s.makefile("rb");
    out.push(f.readable(), f.writable(), f.name === s.fileno(), f.fileno() === s.fileno());
    await f.close();
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});
scenario("makefile never closed: closing the socket still ends the connection", async () => {
  const [c, s, l] = await pair();
  c.settimeout(5);
  const handle = async (conn: socket.Socket): Promise<void> => {
    await using _conn = conn;
    const f = conn.makefile("rwb");
    const line = (await f.readline()) as Uint8Array;
    f.write(new Uint8Array([...new TextEncoder().encode("echo:"), ...line])); // buffered, never flushed or closed
  };
  const t = handle(s);
  try {
    await c.sendall("one\n");
    await t;
    return [repr(await c.recv(100)), repr(await c.recv(100))];
  } finally {
    await closeAll(c, l);
  }
});
scenario("makefile used right after closing its socket", async () => {
  const [c, s, l] = await pair();
  c.settimeout(5);
  try {
    const f = s.makefile("rwb");
    await s.close();
    await c.sendall("ping\n");
    const line = (await f.readline()) as Uint8Array;
    f.write(new Uint8Array([...new TextEncoder().encode("got:"), ...line]));
    await f.flush();
    const out = [repr(await c.recv(100))];
    await f.close();
    out.push(repr(await c.recv(100)));
    return out;
  } finally {
    await closeAll(c, l);
  }
});

scenario("udp connect again, sendto while connected", async () => {
  const [a, b, u] = [await udp(), await udp(), await udp()];
  for (const x of [a, b, u]) x.settimeout(2);
  try {
    await u.connect(a.getsockname());
    await u.send("1");
    const out: unknown[] = [repr(await a.recv(10))];
    await u.connect(b.getsockname());
    await u.send("2");
    out.push(repr(await b.recv(10)));
    out.push(await u.sendto("3", a.getsockname()));
    out.push(repr(await a.recv(10)));
    await a.sendto("from a", u.getsockname());
    await b.sendto("from b", u.getsockname());
    out.push(repr(await u.recv(10)));
    u.settimeout(0.2);
    try {
      await u.recv(10);
    } catch (e) {
      out.push((e as Error).name);
    }
    return out;
  } finally {
    await closeAll(a, b, u);
  }
});

scenario("option and type errnos", async () => {
  const out: unknown[] = [];
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const t = socket.socket();
  const x = socket.socket(socket.AF_UNIX);
  const calls: (() => unknown)[] = [
    () => socket.socket(socket.AF_INET, socket.SOCK_RAW),
    () => u.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY),
    () => u.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),
    () => x.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY),
    () => t.getsockopt(999, 1),
    () => t.getsockopt(socket.SOL_SOCKET, 999),
    () => t.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 0),
    () => t.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 300),
    () => (t.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, -1), t.getsockopt(socket.IPPROTO_IP, socket.IP_TTL)),
    () => socket.getaddrinfo(null, null),
    () => socket.socket(socket.AF_INET, socket.SOCK_RDM),
    () => socket.socket(socket.AF_INET6, socket.SOCK_SEQPACKET),
    () => socket.socket(socket.AF_INET, 0),
    () => socket.socket(socket.AF_INET, 11),
    () => t.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN),
    () => u.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL),
    () => x.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL),
    () => t.setsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL, 17),
    () => [socket.EAGAIN, socket.EWOULDBLOCK, socket.EBADF, socket.MSG_MORE, socket.IPPORT_RESERVED],
  ];
  try {
    for (const f of calls) {
      try {
        const r = await f();
        out.push(typeof r === "number" || Array.isArray(r) ? r : "ok");
      } catch (e) {
        out.push([(e as Error).name, (e as socket.OSError).errno]);
      }
    }
    return out;
  } finally {
    await closeAll(u, t, x);
  }
});
scenario("refused non-blocking connect, then recv and send", async () => {
  const d = socket.socket();
  d.setblocking(false);
  try {
    const out: unknown[] = [await d.connect_ex(["127.0.0.1", await deadPort()])];
    await sleep(200);
    for (const f of [() => d.recv(10), () => d.recv(10), () => d.send("x")]) {
      try {
        const r = await f();
        out.push(typeof r === "number" ? String(r) : repr(r));
      } catch (e) {
        out.push([(e as Error).name, (e as socket.OSError).errno]);
      }
    }
    return out;
  } finally {
    await d.close();
  }
});

scenario("services and getaddrinfo with service names", async () => {
  const out: unknown[] = [];
  for (const svc of ["http", "tftp", "domain", 80, "ssh", "www"])
    out.push((await socket.getaddrinfo("127.0.0.1", svc)).map((a) => [a[1], a[2], (a[4] as [string, number])[1]]));
  const calls: (() => unknown)[] = [
    () => socket.getaddrinfo("127.0.0.1", "http", 0, socket.SOCK_DGRAM),
    () => socket.getaddrinfo("127.0.0.1", "tftp", 0, socket.SOCK_STREAM),
    () => socket.getaddrinfo("127.0.0.1", "no-such-service"),
    () => socket.getservbyname("HTTP"),
    () => socket.getservbyname("www"),
    () => socket.getservbyname("http", "udp"),
    () => socket.getservbyname("tftp"),
    () => socket.getservbyname("postgresql"),
    () => socket.getservbyport(1),
    () => socket.getservbyport(69),
    () => socket.getservbyport(69, "tcp"),
    () => socket.getservbyport(53, "udp"),
    () => socket.getservbyport(5432),
    () => socket.getnameinfo(["127.0.0.1", 69], socket.NI_NUMERICHOST | socket.NI_DGRAM),
    () => socket.getnameinfo(["127.0.0.1", 69], socket.NI_NUMERICHOST),
  ];
  for (const f of calls) {
    try {
      out.push(await f());
    } catch (e) {
      out.push([(e as Error).name, (e as socket.OSError).errno, (e as Error).message]);
    }
  }
  return out;
});

scenario("makefile used against its mode or closed", async () => {
  const [c, s, l] = await pair();
  const out: unknown[] = [];
  try {
    const [rb, wb, r, w] = [s.makefile("rb"), s.makefile("wb"), s.makefile("r"), s.makefile("w")];
    await rb.close();
    await r.close();
    const calls = [() => rb.write(new Uint8Array([1])), () => wb.read(), () => w.read(), () => w.readline(), () => rb.readline(), () => rb.read(), () => r.readline(), () => r.read()];
    for (const f of calls) {
      try {
        await f();
      } catch (e) {
        out.push([(e as Error).name, (e as Error).message, e instanceof socket.OSError]);
      }
    }
    await wb.close();
    await w.close();
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("sendfile", async () => {
  const [c, s, l] = await pair();
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const data = new Uint8Array(256 * 400).map((_, i) => i % 256);
  const out: unknown[] = [];
  try {
    const f = new Blob([data]);
    const reader = (async () => {
      const parts: Uint8Array[] = [];
      for (;;) {
        const b = await c.recv(65536);
        if (!b.length) break;
        parts.push(b);
      }
      return parts;
    })();
    out.push(await s.sendfile(f, 1000, 50000));
    out.push(await s.sendfile(f, 90000));
    await s.shutdown(socket.SHUT_WR);
    const got = (await reader).flatMap((p) => [...p]);
    const want = [...data.subarray(1000, 51000), ...data.subarray(90000)];
    out.push(got.length === want.length && got.every((x, i) => x === want[i]));
    for (const fn of [() => u.sendfile(f), () => s.sendfile(f, 0, 0), () => s.sendfile(f, -1)]) {
      try {
        await fn();
      } catch (e) {
        out.push([(e as Error).name, (e as Error).message]);
      }
    }
    return out;
  } finally {
    await closeAll(c, s, l, u);
  }
});

scenario("makefile text encodings on write, writelines, closed files", async () => {
  const [c, s, l] = await pair();
  c.settimeout(5);
  const out: unknown[] = [];
  try {
    const cases: [string, string | null, string][] = [
      ["ascii", "replace", "\u00e9\n"],
      ["latin-1", null, "\u00e9\n"],
      ["utf-16-le", null, "\u00e9\n"],
      ["cp1252", null, "\u20ac\n"],
      ["ascii", "ignore", "\u00e9\n"],
      ["utf-8", null, "\u{1f600}\n"],
    ];
    for (const [encoding, errors, text] of cases) {
      const f = s.makefile("w", { encoding, errors });
      out.push(f.write(text));
      await f.flush();
      await f.close();
      out.push(repr(await c.recv(100)));
    }
    for (const [encoding, text] of [["ascii", "\u00e9"], ["latin-1", "\u20ac"]]) {
      const f = s.makefile("w", { encoding });
      try {
        f.write(text!);
      } catch (e) {
        out.push([(e as Error).name, (e as Error).message]);
      }
      await f.close();
    }
    try {
      s.makefile("w", { encoding: "nope" });
    } catch (e) {
      out.push([(e as Error).name, (e as Error).message]);
    }
    await c.sendall(new Uint8Array([0xe9, 0x80, 10]));
    let f = s.makefile("r", { encoding: "latin-1" });
    out.push([...((await f.readline()) as string)].map((ch) => ch.codePointAt(0)));
    await f.close();
    f = s.makefile("wb");
    f.writelines([new Uint8Array([97]), new Uint8Array([98, 10])]);
    await f.flush();
    out.push(repr(await c.recv(100)));
    await f.close();
    for (const fn of [() => f.write(new Uint8Array([1])), () => f.flush()]) {
      try {
        await fn();
      } catch (e) {
        out.push((e as Error).message);
      }
    }
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("exception constructors", () =>
  [
    new socket.OSError(111),
    new socket.OSError(111, "x"),
    new socket.error(98, "Address in use"),
    new socket.ConnectionRefusedError(111),
    new socket.OSError("msg"),
    new socket.timeout("timed out"),
    new socket.OSError(),
    new socket.OSError(17, "x"),
    new socket.OSError(21, "x"),
    new socket.OSError(20, "x"),
    new socket.OSError(10, "x"),
    new socket.OSError(3, "x"),
    new socket.OSError(2, "No such file", "/tmp/x"),
    new socket.OSError(2, "x", "a", null, "b"),
    new socket.OSError(111, "x", null),
    new (socket.OSError as unknown as new (...a: unknown[]) => socket.OSError)("a", "b"),
    new (socket.OSError as unknown as new (...a: unknown[]) => socket.OSError)(1, 2, 3, 4, 5, 6),
  ]
    .map((e): unknown => [e.name, e.errno, e.message, e.args, e.filename])
    .concat([new socket.BlockingIOError(11, "x", 5).characters_written]),
);

scenario("MSG_WAITALL with a timeout and non-blocking", async () => {
  const [c, s, l] = await pair();
  const out: unknown[] = [];
  try {
    for (const [label, to] of [["timeout", 5], ["blocking", null], ["nonblocking", 0]] as const) {
      c.settimeout(to);
      const feed = (async () => {
        for (const p of ["01234", "56789"]) {
          await sleep(200);
          await s.sendall(p);
        }
      })();
      if (to === 0) await sleep(300);
      out.push([label, repr(await c.recv(10, socket.MSG_WAITALL))]);
      await feed;
      await sleep(100);
      c.setblocking(false);
      try {
        out.push(repr(await c.recv(100)));
      } catch (e) {
        if (!(e instanceof socket.BlockingIOError)) throw e;
        out.push("nothing left");
      }
    }
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("sendmsg and recvmsg", async () => {
  const out: unknown[] = [];
  const [c, s, l] = await pair();
  const a = await udp();
  const b2 = await udp();
  const step = async (f: () => Promise<unknown>): Promise<void> => {
    try {
      const r = await f();
      if (Array.isArray(r)) {
        const v: unknown[] = r.map((x) => (x instanceof Uint8Array ? repr(x) : x));
        if (v[3] !== null) v[3] = String(v[3]) === String(b2.getsockname());
        out.push(v);
      } else out.push(r);
    } catch (e) {
      const err = e as socket.OSError;
      out.push([err.name, typeof err.errno === "number" ? err.errno : null, err.message]);
    }
  };
  try {
    await step(() => c.sendmsg([b("ab"), new DataView(b("cd").buffer), b("ef")]));
    await sleep(100);
    await step(() => s.recvmsg(4));
    await step(() => s.recvmsg(10, 0));
    await step(() => b2.sendmsg([b("hello"), b("world")], [], 0, a.getsockname()));
    await step(() => a.recvmsg(4));
    await step(() => b2.sendmsg([b("xy")], [], 0, a.getsockname()));
    await step(() => a.recvmsg(4, 0, socket.MSG_PEEK));
    const buf1 = new Uint8Array(1);
    const buf2 = new Uint8Array(5);
    await step(() => a.recvmsg_into([buf1, buf2]));
    out.push([repr(buf1), repr(buf2)]);
    await step(() => b2.sendmsg([b("x")]));
    await step(() => b2.sendmsg([], [], 0, a.getsockname()));
    await step(() => a.recvmsg(10));
    await step(() => s.recvmsg(-1));
    await step(() => s.recvmsg(10, -1));
    await step(() => b2.sendmsg(5 as never));
    await c.close();
    await step(() => s.recvmsg(10));
    return out;
  } finally {
    await closeAll(c, s, l, a, b2);
  }
});

scenario("makefile write files flushed when the handler returns", async () => {
  const [l, port] = await listener();
  const out: unknown[] = [];
  const handler = async (conn: socket.Socket, mode: string): Promise<void> => {
    const f = conn.makefile(mode);
    f.write(mode.includes("b") ? b("reply\n") : "reply\n");
    await conn.close();
  };
  try {
    for (const mode of ["wb", "w", "rw", "rwb"]) {
      const c = await socket.create_connection(["127.0.0.1", port], 2);
      const [a] = await l.accept();
      await handler(a, mode);
      out.push([mode, repr(await c.recv(100)), repr(await c.recv(100))]);
      await c.close();
    }
    const c = await socket.create_connection(["127.0.0.1", port], 2);
    const [a] = await l.accept();
    const f = a.makefile("rb");
    await a.close();
    out.push(a.fileno() >= 0);
    await f.close();
    out.push(a.fileno());
    await c.close();
    return out;
  } finally {
    await l.close();
  }
});

scenario("makefile readlines hint and buffering", async () => {
  const [c, s, l] = await pair();
  try {
    await s.sendall("12345\n12\n123\n");
    const f = c.makefile("rb");
    const lines = (xs: unknown[]): string[] => xs.map((x) => repr(x as Uint8Array));
    const out: unknown[] = [lines(await f.readlines(6)), lines(await f.readlines(3))];
    const w = s.makefile("wb", { buffering: 16 });
    w.write(b("0123456789"));
    w.write(b("abcdefghij"));
    await sleep(100);
    c.settimeout(0.3);
    out.push(repr(await c.recv(100)));
    await w.flush();
    out.push(repr(await c.recv(100)));
    out.push(c.makefile("r").encoding);
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("listener closed with connections not accepted", async () => {
  const [l, port] = await listener();
  const c = await socket.create_connection(["127.0.0.1", port], 2);
  const d = await socket.create_connection(["127.0.0.1", port], 2);
  await d.sendall("data");
  await sleep(100);
  await l.close();
  await sleep(100);
  const out: unknown[] = [];
  for (const f of [() => c.recv(10), () => c.send("x"), () => d.recv(10)]) {
    try {
      const r = await f();
      out.push(typeof r === "number" ? String(r) : repr(r));
    } catch (e) {
      out.push([(e as Error).name, (e as socket.OSError).errno]);
    }
  }
  await closeAll(c, d);
  return out;
});

scenario("udp connect to port 0", async () => {
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  u.settimeout(0.5);
  const out: unknown[] = [];
  for (const f of [() => u.connect(["127.0.0.1", 0]), () => u.getpeername(), () => u.send("x"), () => u.recv(10)]) {
    try {
      const r = await f();
      out.push(typeof r === "number" || r === undefined ? (r ?? null) : repr(r as Uint8Array));
    } catch (e) {
      out.push([(e as Error).name, (e as socket.OSError).errno]);
    }
  }
  await u.close();
  return out;
});

scenario("shutdown after both sides closed; unix unconnected; sendall after the peer closed", async () => {
  const out: unknown[] = [];
  let [c, s, l] = await pair();
  await s.close();
  await sleep(100);
  const x = socket.socket(socket.AF_UNIX);
  const steps: (() => unknown)[] = [
    () => c.recv(10),
    () => c.shutdown(socket.SHUT_WR),
    () => c.shutdown(socket.SHUT_WR),
    () => c.getpeername(),
    () => x.shutdown(socket.SHUT_RDWR),
  ];
  for (const f of steps) {
    try {
      const r = await f();
      out.push(r === undefined ? null : r instanceof Uint8Array ? repr(r) : String(r));
    } catch (e) {
      out.push([(e as Error).name, (e as socket.OSError).errno]);
    }
  }
  await closeAll(c, l, x);
  [c, s, l] = await pair();
  await c.close();
  await sleep(100);
  for (const f of [() => s.sendall("hello"), () => sleep(100), () => s.sendall("hello")]) {
    try {
      out.push((await f()) ?? null);
    } catch (e) {
      out.push([(e as Error).name, (e as socket.OSError).errno]);
    }
  }
  await closeAll(s, l);
  return out;
});

scenario("getaddrinfo protocols, empty port, canonname; netdb argument checks", async () => {
  const out: unknown[] = [];
  const calls: (() => unknown)[] = [
    () => socket.getaddrinfo("127.0.0.1", 80, 0, 0, 132),
    () => socket.getaddrinfo("127.0.0.1", null, 0, 0, 1),
    () => socket.getaddrinfo("127.0.0.1", 80, 0, 0, 1),
    () => socket.getaddrinfo("127.0.0.1", "", socket.AF_INET, 0),
    () => socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_RAW),
    () => socket.getaddrinfo("127.0.0.1", null, socket.AF_INET, socket.SOCK_RAW, 6),
    () => socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_DGRAM, 6),
    () => socket.getaddrinfo("LocalHost", 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME),
    () => socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME),
    () => socket.getservbyname("http", null as never),
    () => socket.getnameinfo(["127.0.0.1", 80], -1),
    () => socket.getnameinfo(["127.0.0.1", 80], 256),
  ];
  for (const f of calls) {
    try {
      out.push(await f());
    } catch (e) {
      const err = e as socket.OSError;
      out.push([err.name, typeof err.errno === "number" ? err.errno : null, err.message]);
    }
  }
  return out;
});

scenario("makefile utf-16 and utf-32 text; their decode errors", async () => {
  const out: unknown[] = [];
  const units = (s: string, size: 2 | 4, le: boolean, bom = false): Uint8Array => {
    const cps = size === 4 ? Array.from(s, (c) => c.codePointAt(0)!) : Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
    if (bom) cps.unshift(0xfeff);
    const v = new DataView(new ArrayBuffer(cps.length * size));
    cps.forEach((c, i) => (size === 2 ? v.setUint16(i * 2, c, le) : v.setUint32(i * 4, c, le)));
    return new Uint8Array(v.buffer);
  };
  const feed = async (data: Uint8Array, enc: string, ops: ((f: socket.SocketFile) => Promise<unknown>)[]): Promise<void> => {
    const [a, b2] = await socket.socketpair();
    try {
      await a.sendall(data);
      await a.close();
      const f = b2.makefile("r", { encoding: enc });
      for (const op of ops) {
        try {
          out.push(await op(f));
        } catch (e) {
          out.push([(e as Error).name, (e as Error).message]);
        }
      }
    } finally {
      await closeAll(a, b2);
    }
  };
  const rl = (f: socket.SocketFile): Promise<unknown> => f.readline();
  await feed(units("h\u00e9llo\r\nw\u00f6rld\n\u{1f600}x\n", 2, true, true), "utf-16", [rl, rl, rl, rl]);
  await feed(units("ab\ncd", 2, false), "utf-16-be", [rl, (f) => f.read()]);
  await feed(units("ab\ncd", 2, false, true), "utf-16", [rl, (f) => f.read()]);
  await feed(units("ab\ncd\n\u{1f600}\u{1f600}z", 4, true, true), "utf-32", [
    rl,
    (f) => f.readline(1),
    (f) => f.read(2),
    (f) => f.read(2),
    (f) => f.read(),
  ]);
  await feed(units("\u{1f600}\u{1f600}\n", 2, true), "utf-16-le", [(f) => f.readline(1), (f) => f.read()]);
  await feed(new Uint8Array([0x61, 0, 0x62, 0, 0]), "utf-16-le", [(f) => f.read()]);
  const [a, b2] = await socket.socketpair();
  try {
    const w = a.makefile("w", { encoding: "utf-16" });
    w.write("hi\n");
    await w.flush();
    out.push(repr(await b2.recv(100)));
  } finally {
    await closeAll(a, b2);
  }
  const cases: [number[], string][] = [
    [[0x61, 0, 0x62], "utf-16"],
    [[0, 0xd8, 0x61, 0], "utf-16-le"],
    [[0x61, 0, 0, 0xd8], "utf-16-le"],
    [[0xff, 0xfe, 0, 0, 0x68, 0, 0, 0], "utf-32"],
    [[0x68, 0, 0], "utf-32"],
    [[0, 0, 0x11, 0], "utf-32"],
  ];
  for (const [data, enc] of cases) {
    try {
      out.push(new socket.PyBytes(new Uint8Array(data)).decode(enc));
    } catch (e) {
      const err = e as socket.UnicodeDecodeError;
      out.push([err.message, err.start, err.end]);
    }
  }
  return out;
});

scenario("connect with a timeout: refused, then again; connected, then again", async () => {
  const out: unknown[] = [];
  const port = await deadPort();
  const s = socket.socket();
  s.settimeout(2);
  try {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push(await s.connect_ex(["127.0.0.1", port]));
    out.push(codes);
    for (let i = 0; i < 3; i++) {
      try {
        await s.connect(["127.0.0.1", port]);
        out.push("connected");
      } catch (e) {
        out.push([(e as Error).name, (e as socket.OSError).errno]);
      }
    }
    const [l, lport] = await listener();
    const again: number[] = [];
    for (let i = 0; i < 3; i++) again.push(await s.connect_ex(["127.0.0.1", lport]));
    out.push(again);
    await closeAll(l);
    return out;
  } finally {
    await closeAll(s);
  }
});

/** The peer sends `data`; we read one line with a makefile reader (or nothing) and close: what the peer sees. */
async function lineThenClose(l: socket.Socket, port: number, data: Uint8Array, useFile = true): Promise<unknown[]> {
  const out: unknown[] = [];
  const c = await socket.create_connection(["127.0.0.1", port], 2);
  const [a] = await l.accept();
  await c.sendall(data);
  await sleep(100);
  if (useFile) {
    const f = a.makefile("rb");
    out.push(repr((await f.readline()) as Uint8Array));
    await f.close();
  }
  await a.close();
  await sleep(100);
  try {
    out.push(repr(await c.recv(100)));
  } catch (e) {
    out.push([(e as Error).name, (e as socket.OSError).errno]);
  }
  await c.close();
  return out;
}

scenario("close after a makefile reader read a line of a pipelined burst: FIN, not reset", async () => {
  const [l, port] = await listener();
  try {
    const out: unknown[] = [];
    for (const useFile of [true, false]) out.push(...(await lineThenClose(l, port, b("QUIT\r\nPING\r\n"), useFile)));
    return out;
  } finally {
    await l.close();
  }
});

scenario("non-blocking reads of what this program just sent; sends after the peer closed", async () => {
  const out: unknown[] = [];
  const a = await udp();
  const u = await udp();
  a.setblocking(false);
  const [c, s, l] = await pair();
  s.setblocking(false);
  try {
    await u.sendto(b("one"), a.getsockname() as never);
    out.push(repr(await a.recv(10)));
    await u.sendto(b("two"), a.getsockname() as never);
    out.push(repr((await a.recvfrom(10))[0]));
    await c.sendall("tcp-data");
    out.push(repr(await s.recv(100)));
    await c.sendall("peek");
    out.push(repr(await s.recv(100, socket.MSG_PEEK)));
    out.push(repr(await s.recv(100)));
    try {
      out.push(repr(await s.recv(100)));
    } catch (e) {
      out.push((e as socket.OSError).errno);
    }
    await c.close();
    await sleep(100);
    out.push(repr(await s.recv(10)));
    for (const f of [() => s.send("z"), () => sleep(50), () => s.send("z"), () => s.sendall("z"), () => s.sendall("z")]) {
      try {
        out.push((await f()) ?? null);
      } catch (e) {
        out.push([(e as Error).name, (e as socket.OSError).errno]);
      }
    }
    return out;
  } finally {
    await closeAll(a, u, c, s, l);
  }
});

/**
 * The poll and epoll scenarios' sockets: a fresh one and a listener, named for the events they
 * report (`ev` turns `[fd, events]` pairs into sorted `[name, events]`; add names as sockets come).
 */
async function readinessSockets(): Promise<{ s: socket.Socket; l: socket.Socket; names: Map<number, string>; ev: (r: [number, number][]) => unknown[] }> {
  const s = socket.socket();
  const l = await socket.create_server(["127.0.0.1", 0]);
  const names = new Map<number, string>([
    [s.fileno(), "fresh"],
    [l.fileno(), "listener"],
  ]);
  const ev = (r: [number, number][]): unknown[] => r.map(([fd, e]) => [names.get(fd), e]).sort((x, y) => String(x).localeCompare(String(y)));
  return { s, l, names, ev };
}

scenario("select.poll: register, events, modify/unregister errors, closed sockets", async () => {
  const out: unknown[] = [];
  const p = socket.poll();
  const { s, l, names, ev } = await readinessSockets();
  let c: socket.Socket | null = null;
  let a: socket.Socket | null = null;
  try {
    p.register(s);
    p.register(l, socket.POLLIN);
    out.push(ev(await p.poll(0)));
    c = await socket.create_connection(l.getsockname() as [string, number]);
    await sleep(50);
    out.push(ev(await p.poll(0)));
    [a] = await l.accept();
    names.set(a.fileno(), "conn");
    p.register(a, socket.POLLIN | socket.POLLOUT);
    out.push(ev(await p.poll(0)));
    await c.sendall("x");
    await sleep(50);
    out.push(ev(await p.poll(1000)));
    p.modify(a, socket.POLLOUT);
    out.push(ev(await p.poll(0)));
    for (const f of [() => p.modify(socket.socket(), 1), () => p.unregister(s), () => p.unregister(s)]) {
      try {
        out.push(f() ?? null);
      } catch (e) {
        out.push((e as Error).name);
      }
    }
    await c.close();
    await a.close();
    out.push(ev(await p.poll(0)));
    return out;
  } finally {
    await closeAll(s, l, ...[c, a].filter((x): x is socket.Socket => x !== null));
  }
});

scenario("select.epoll: register/modify/unregister errors, events, EPOLLRDHUP, EPOLLONESHOT, maxevents, closed sockets and close", async () => {
  const out: unknown[] = [];
  const ep = socket.epoll();
  const { s, l, names, ev } = await readinessSockets();
  const attempt = async (f: () => unknown): Promise<unknown> => {
    try {
      return (await f()) ?? null;
    } catch (e) {
      return [(e as Error).name, (e as { errno?: number | null }).errno ?? null];
    }
  };
  let c: socket.Socket | null = null;
  let a: socket.Socket | null = null;
  try {
    ep.register(s);
    ep.register(l, socket.EPOLLIN);
    out.push(ev(await ep.poll(0)));
    c = await socket.create_connection(l.getsockname() as [string, number]);
    await sleep(50);
    out.push(ev(await ep.poll(0.5)));
    [a] = await l.accept();
    names.set(a.fileno(), "conn");
    ep.register(a.fileno(), socket.EPOLLIN | socket.EPOLLOUT);
    out.push(ev(await ep.poll(0)));
    await c.sendall("x");
    await sleep(50);
    out.push(ev(await ep.poll(1)));
    out.push((await ep.poll(1, 1)).length);
    ep.modify(a, socket.EPOLLIN | socket.EPOLLRDHUP | socket.EPOLLONESHOT);
    await c.shutdown(socket.SHUT_WR);
    await sleep(50);
    out.push(ev(await ep.poll(0)));
    out.push(ev(await ep.poll(0)));
    ep.modify(a, socket.EPOLLIN);
    out.push(ev(await ep.poll(0)));
    const stray = socket.socket();
    const closed = socket.socket();
    const cfd = closed.fileno();
    await closed.close();
    const conn = a;
    for (const f of [() => ep.register(conn), () => ep.modify(stray, 1), () => ep.unregister(stray), () => ep.register(-1),
      () => ep.register(cfd), () => ep.poll(0, 0), () => ep.poll("x" as unknown as number), () => ep.register(stray, -1),
      () => ep.modify(stray, socket.EPOLLEXCLUSIVE | socket.EPOLLIN), () => socket.epoll(0), () => ep.unregister(s)]) {
      out.push(await attempt(f));
    }
    await stray.close();
    await c.close();
    await a.close();
    await sleep(50);
    out.push(ev(await ep.poll(0)));
    out.push([ep.closed, typeof ep.fileno() === "number" ? "int" : "?"]);
    ep.close();
    out.push([ep.closed, await attempt(() => ep.poll(0)), await attempt(() => ep.fileno())]);
    return out;
  } finally {
    ep.close();
    await closeAll(s, l, ...[c, a].filter((x): x is socket.Socket => x !== null));
  }
});

scenario("UDP shutdown: a blocked recvfrom wakes with (b'', None), sends raise EPIPE; unconnected raises ENOTCONN", async () => {
  const out: unknown[] = [];
  const tupleRepr = ([d, a]: [socket.PyBytes, socket.Address]): string => `(${String(d)}, ${a === null ? "None" : String(a)})`;
  for (const connected of [false, true]) {
    const u = await udp();
    const v = await udp();
    try {
      if (connected) await u.connect(v.getsockname() as [string, number]);
      let got: string | null = null;
      const blocked = u.recvfrom(100).then((r) => void (got = tupleRepr(r)));
      await sleep(100);
      try {
        out.push((await u.shutdown(socket.SHUT_RDWR)) ?? null);
      } catch (e) {
        out.push([(e as Error).name, (e as socket.OSError).errno]);
      }
      await Promise.race([blocked, sleep(2000)]);
      out.push(got ?? "still blocked");
      out.push(tupleRepr(await u.recvfrom(100)));
      for (const f of [() => u.sendto("x", v.getsockname() as [string, number]), () => u.send("x")]) {
        try {
          out.push(await f());
        } catch (e) {
          out.push([(e as Error).name, (e as socket.OSError).errno]);
        }
      }
    } finally {
      await closeAll(u, v);
    }
  }
  return out;
});

scenario("select, poll and selectors take an fd or an object with fileno(); KeyError", async () => {
  const out: unknown[] = [];
  class Conn {
    constructor(readonly s: socket.Socket) {}
    fileno(): number {
      return this.s.fileno();
    }
  }
  const [a, b] = await socket.socketpair();
  const [c, d] = await socket.socketpair();
  try {
    await b.sendall("1");
    await d.sendall("2");
    await sleep(50);
    const w = new Conn(c);
    const [r] = await socket.select<number | Conn>([a.fileno(), w], [], [], 1.0);
    out.push(r.map((x) => (x === w ? "wrapper" : x === a.fileno() ? "int" : "?")));
    const p = socket.poll();
    p.register(w, socket.POLLIN);
    out.push((await p.poll(0)).map(([, e]) => e));
    for (const f of [
      () => socket.select([-1], [], [], 0),
      () => socket.select(["x" as never], [], [], 0),
      () => p.register(a, -1),
      () => p.poll("1" as never),
    ]) {
      try {
        out.push(await f());
      } catch (e) {
        out.push([(e as Error).name, (e as Error).message]);
      }
    }
    const sel = socket.selectors.DefaultSelector();
    sel.register(a.fileno(), socket.selectors.EVENT_READ, "int");
    sel.register(w, socket.selectors.EVENT_READ, "wrapper");
    out.push((await sel.select(1.0)).map(([k]) => k.data).sort());
    out.push(sel.get_key(w).fd === c.fileno());
    for (const f of [() => sel.get_key(b), () => sel.register(a.fileno(), socket.selectors.EVENT_READ), () => sel.register("x" as never, 1)]) {
      try {
        out.push(f());
      } catch (e) {
        out.push(e instanceof socket.KeyError ? "KeyError" : (e as Error).name);
      }
    }
    sel.close();
    return out;
  } finally {
    await closeAll(a, b, c, d);
  }
});

scenario("a socketpair's first socket sees bytes just sent at its first non-blocking look; recv after SHUT_RD too", async () => {
  const out: unknown[] = [];
  const [x, y] = await socket.socketpair();
  const [c, s, l] = await pair();
  try {
    await y.send("x");
    out.push((await socket.select([x], [], [], 0))[0].length);
    x.setblocking(false);
    out.push(repr(await x.recv(1)));
    await s.shutdown(socket.SHUT_RD);
    await c.sendall("late");
    out.push(repr(await s.recv(10)));
    return out;
  } finally {
    await closeAll(x, y, c, s, l);
  }
});

scenario("non-blocking connect polled with select: SO_ERROR read, then connect_ex again (asyncore style)", async () => {
  const out: unknown[] = [];
  const port = await deadPort();
  for (const readSoerr of [false, true]) {
    const s = socket.socket();
    s.setblocking(false);
    try {
      const seq: number[] = [await s.connect_ex(["127.0.0.1", port])];
      await socket.select([], [s], [], 1.0);
      if (readSoerr) seq.push(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) as number);
      for (let i = 0; i < 3; i++) {
        const rc = await s.connect_ex(["127.0.0.1", port]);
        seq.push(rc);
        if (rc === 115 || rc === 114) await socket.select([], [s], [], 1.0);
      }
      out.push(seq);
    } finally {
      await s.close();
    }
  }
  return out;
});

scenario("unix socket: sends after the peer wrote and closed raise BrokenPipeError; recv returns what it sent", async () => {
  const out: unknown[] = [];
  const [a, b] = await socket.socketpair();
  try {
    await b.sendall("last words");
    await b.close();
    await sleep(100);
    for (const f of [() => a.send("x"), () => a.sendall("x")]) {
      try {
        out.push((await f()) ?? null);
      } catch (e) {
        out.push([(e as Error).name, (e as socket.OSError).errno]);
      }
    }
    out.push(repr(await a.recv(100)));
    out.push(repr(await a.recv(100)));
    return out;
  } finally {
    await closeAll(a, b);
  }
});

scenario("getaddrinfo argument checks: missing arguments, non-int family/type, AI_CANONNAME without a host, mapped IPv4", async () => {
  const out: unknown[] = [];
  const gai = socket.getaddrinfo as (...a: unknown[]) => Promise<unknown>;
  for (const f of [
    () => gai("localhost"),
    () => gai(),
    () => gai("localhost", 80, "2"),
    () => gai("localhost", 80, 0, 2.5),
    () => gai(null, 80, 0, 0, 0, socket.AI_CANONNAME),
    async () =>
      `[${((await gai("::ffff:127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)) as socket.AddrInfo[]).map((r) => `(${r[0]}, ${String(r[4])})`).join(", ")}]`,
  ]) {
    try {
      out.push(norm(String(await f())));
    } catch (e) {
      out.push([(e as Error).name, (e as Error).message]);
    }
  }
  return out;
});

scenario("IPv6 literals not in canonical form: getaddrinfo, a connected UDP socket's peer and its replies", async () => {
  const out: unknown[] = [];
  for (const h of ["0:0::1", "0000::1", "::FFFF:127.0.0.1", "::ffff:7f00:1"])
    out.push((await socket.getaddrinfo(h, 80, 0, socket.SOCK_STREAM))[0]![4]);
  const srv = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  const c = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  try {
    await srv.bind(["::1", 0]);
    const port = srv.getsockname()[1] as number;
    c.settimeout(2);
    await c.connect(["0:0::1", port]);
    out.push(c.getpeername()[0]);
    await c.send(b("ping"));
    const [d, a] = await srv.recvfrom(100);
    await srv.sendto(new Uint8Array([...b("pong:"), ...d]), a);
    out.push(repr(await c.recv(100)));
    return out;
  } finally {
    await closeAll(srv, c);
  }
});

scenario("unix stream recvfrom/recvmsg: the server's name on the client side (also for 0 bytes), None on the server side and at EOF; binding the bound listener again", async () => {
  const path = `/tmp/polysock-parity-from-${pid}-ts.sock`;
  unlinkQuiet(path);
  const l = socket.socket(socket.AF_UNIX);
  try {
    await l.bind(path);
    await l.listen();
    const c = socket.socket(socket.AF_UNIX);
    await c.connect(path);
    const [s] = await l.accept();
    await s.sendall(b("one"));
    const [d, a] = await c.recvfrom(10);
    const out: unknown[] = [repr(d), a === path];
    await s.sendall(b("two"));
    const m = await c.recvmsg(10);
    out.push([repr(m[0]), m[3] === path]);
    await s.sendall(b("3"));
    out.push([(await c.recvfrom(0))[1] === path, (await c.recvmsg(0))[3] === path, repr(await c.recv(1))]);
    for (const p of [path, "/nonexistent-polysock-dir/x", ""]) {
      try {
        await l.bind(p);
        out.push("bound");
      } catch (e) {
        out.push([(e as Error).name, (e as socket.OSError).errno]);
      }
    }
    await c.sendall(b("up"));
    out.push(String(await s.recvfrom(10)));
    await s.close();
    out.push([String(await c.recvfrom(0)), String(await c.recvfrom(10))]);
    await c.close();
    return out;
  } finally {
    await l.close();
    unlinkQuiet(path);
  }
});

scenario("UDP binding: a receive that times out leaves the socket unbound; a refused sendto binds it", async () => {
  const out: unknown[] = [];
  let s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    s.settimeout(0.1);
    try {
      await s.recvfrom(10);
    } catch (e) {
      out.push((e as Error).name);
    }
    out.push(s.getsockname());
    await s.bind(["127.0.0.1", 0]);
    out.push(s.getsockname()[0]);
  } finally {
    await s.close();
  }
  s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    try {
      await s.sendto(b("x"), ["255.255.255.255", 9]);
    } catch (e) {
      out.push([(e as Error).name, (e as socket.OSError).errno]);
    }
    out.push(s.getsockname()[1] !== 0);
    try {
      await s.bind(["127.0.0.1", 0]);
    } catch (e) {
      out.push((e as socket.OSError).errno);
    }
  } finally {
    await s.close();
  }
  return out;
});

scenario("os.strerror: glibc's texts, unknown numbers, non-int arguments", () => {
  const out: unknown[] = [0, 1, 4, 11, 32, 98, 104, 110, 111, 113, 9999, -1, true].map((n) => socket.strerror(n as number));
  for (const bad of [1.5, "x", null]) {
    try {
      socket.strerror(bad as number);
    } catch (e) {
      out.push((e as Error).message);
    }
  }
  return out;
});

scenario("makefile reads with a timeout: each receive gets the whole timeout, so a line slower than it in all still arrives", async () => {
  const [a, b2] = await socket.socketpair();
  try {
    a.settimeout(1.0);
    const out: unknown[] = [];
    for (const mode of ["rb", "r"]) {
      const f = a.makefile(mode);
      const sends = ["ab", "cd", "ef", "g\n"].map((p, i) => sleep(400 * i).then(() => b2.sendall(b(p))));
      const line = await f.readline();
      out.push(typeof line === "string" ? `'${line.replace("\n", "\\n")}'` : repr(line));
      await Promise.all(sends);
      await f.close();
    }
    return out;
  } finally {
    await closeAll(a, b2);
  }
});

scenario("makefile readinto: buffered fills the buffer, unbuffered is one receive; text files, closed files, bytes", async () => {
  const [a, b2] = await socket.socketpair();
  try {
    const fu = a.makefile("rb", { buffering: 0 });
    await b2.sendall(b("hel"));
    const out: unknown[] = [await fu.readinto(new Uint8Array(5))];
    const f = a.makefile("rb");
    const later = sleep(100).then(() => b2.sendall(b("lo world")));
    const buf = new Uint8Array(6);
    out.push([await f.readinto(buf), repr(buf)]);
    await later;
    out.push(await f.readinto(new Uint8Array(0)));
    for (const x of [a.makefile("wb"), a.makefile("r")]) {
      try {
        await x.readinto(new Uint8Array(3));
      } catch (e) {
        out.push([(e as Error).name, (e as Error).message]);
      }
    }
    await f.close();
    await fu.close();
    for (const x of [f, fu]) {
      try {
        await x.readinto(new Uint8Array(3));
      } catch (e) {
        out.push((e as Error).message);
      }
    }
    try {
      await a.makefile("rb").readinto(new socket.PyBytes(b("abc")));
    } catch (e) {
      out.push((e as Error).message);
    }
    return out;
  } finally {
    await closeAll(a, b2);
  }
});

scenario("MSG_PEEK until a whole header is there: the rest arrives while the loop peeks (blocking, MSG_DONTWAIT)", async () => {
  const out: unknown[] = [];
  for (const flags of [socket.MSG_PEEK, socket.MSG_PEEK | socket.MSG_DONTWAIT]) {
    const [a, b2] = await socket.socketpair();
    try {
      await b2.sendall(new Uint8Array([0, 0]));
      const later = sleep(50).then(() => b2.sendall(new Uint8Array([0, 5, ...b("hello")])));
      let h: Uint8Array = new Uint8Array(0);
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        try {
          h = await a.recv(4, flags);
        } catch (e) {
          if (e instanceof socket.BlockingIOError) continue;
          throw e;
        }
        if (h.length === 4) break;
      }
      await later;
      out.push([repr(h), repr(await a.recv(4)), repr(await a.recv(100))]);
    } finally {
      await closeAll(a, b2);
    }
  }
  return out;
});

scenario("non-blocking connect_ex on loopback: a send right after it goes through; a close right after it gives the server EOF", async () => {
  const out: unknown[] = [];
  const srv = await socket.create_server(["127.0.0.1", 0]);
  try {
    for (const send of [true, false]) {
      const c = socket.socket();
      c.setblocking(false);
      const rc = await c.connect_ex(srv.getsockname() as [string, number]);
      const sent = send ? await c.send(b("hi")) : null;
      await c.close();
      const [conn] = await srv.accept();
      conn.settimeout(5);
      let res: unknown;
      try {
        let got = "";
        for (;;) {
          const d = await conn.recv(10);
          if (!d.length) break;
          got += new TextDecoder().decode(d);
        }
        res = repr(b(got));
      } catch (e) {
        res = [(e as Error).name, (e as socket.OSError).errno];
      }
      await conn.close();
      out.push([rc, sent, res]);
    }
  } finally {
    await srv.close();
  }
  return out;
});

scenario("create_connection: a bad source_address raises itself (all_errors too), an empty one binds nothing; create_server sets SO_REUSEADDR on unix too", async () => {
  const out: unknown[] = [];
  const srv = await socket.create_server(["127.0.0.1", 0]);
  try {
    const addr = srv.getsockname() as [string, number];
    for (const opts of [{}, { all_errors: true }]) {
      try {
        await socket.create_connection(addr, 2, ["127.0.0.1", "x" as unknown as number], opts);
        out.push("connected");
      } catch (e) {
        out.push([(e as Error).name, (e as Error).message]);
      }
    }
    const c = await socket.create_connection(addr, 2, [] as unknown as [string, number]);
    out.push((c.getpeername() as [string, number])[1] === addr[1]);
    await c.close();
    await (await srv.accept())[0].close();
  } finally {
    await srv.close();
  }
  const path = `/tmp/polysock-parity-cs-${pid}.sock`;
  if (fs.existsSync(path)) fs.unlinkSync(path);
  const u = await socket.create_server(path, { family: socket.AF_UNIX });
  try {
    out.push(u.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR));
  } finally {
    await u.close();
    if (fs.existsSync(path)) fs.unlinkSync(path);
  }
  return out;
});

scenario("recv_into, recvfrom_into and recvmsg_into refuse bytes (immutable) and non-buffers", async () => {
  const [a, b2] = await socket.socketpair();
  const out: unknown[] = [];
  const bytes = (s: string): socket.PyBytes => new socket.PyBytes(b(s));
  try {
    for (const f of [
      () => a.recv_into(bytes("immutable")),
      () => a.recvfrom_into(bytes("x")),
      () => a.recvmsg_into([new Uint8Array(1), bytes("x")]),
      () => a.recvmsg_into([5 as unknown as Uint8Array]),
    ]) {
      try {
        await f();
        out.push("no error");
      } catch (e) {
        if (!(e instanceof TypeError)) throw e;
        out.push(e.message);
      }
    }
  } finally {
    await closeAll(a, b2);
  }
  return out;
});

scenario("send(b'') and sendall(b'') still report: unconnected, after SHUT_WR, after a send failed on a closed peer", async () => {
  const out: unknown[] = [];
  const tryit = async (f: () => Promise<unknown>): Promise<void> => {
    try {
      out.push((await f()) ?? null);
    } catch (e) {
      if (!(e instanceof socket.OSError)) throw e;
      out.push([e.name, e.errno]);
    }
  };
  const srv = await socket.create_server(["127.0.0.1", 0]);
  try {
    const u = socket.socket();
    await tryit(() => u.send(b("")));
    await tryit(() => u.sendall(b("")));
    await u.close();
    let c = await socket.create_connection(srv.getsockname() as [string, number]);
    let [a] = await srv.accept();
    await c.shutdown(socket.SHUT_WR);
    await tryit(() => c.send(b("")));
    await tryit(() => c.sendall(b("")));
    await closeAll(c, a);
    c = await socket.create_connection(srv.getsockname() as [string, number]);
    [a] = await srv.accept();
    await a.close();
    await sleep(50);
    await tryit(() => c.send(b("")));
    try {
      for (let i = 0; i < 20; i++) {
        await c.sendall(b("x".repeat(100)));
        await sleep(50);
      }
      out.push("no error");
    } catch (e) {
      if (!(e instanceof socket.OSError)) throw e;
      out.push("sendall failed");
    }
    await tryit(() => c.send(b("")));
    await tryit(() => c.sendall(b("")));
    await c.close();
  } finally {
    await srv.close();
  }
  return out;
});

scenario("non-blocking sends back to back to an idle peer: each is taken (the send buffer has room)", async () => {
  const srv = await socket.create_server(["127.0.0.1", 0]);
  const c = await socket.create_connection(srv.getsockname() as [string, number]);
  const [a] = await srv.accept();
  try {
    c.setblocking(false);
    const out: unknown[] = [
      (await c.sendall(b("one"))) ?? null,
      (await c.sendall(b("two"))) ?? null,
      await c.send(b("three")),
      await c.send(b("x".repeat(20000))),
      (await c.sendall(b("four"))) ?? null,
    ];
    a.settimeout(5);
    let got = ""; // ASCII only
    while (got.length < 20015) got += new TextDecoder().decode(await a.recv(65536));
    out.push(repr(b(got.slice(0, 11) + got.slice(-4))));
    return out;
  } finally {
    await closeAll(c, a, srv);
  }
});

scenario("makefile() writes go out before the socket's own sends and shutdown that follow them", async () => {
  const [a, bb] = await socket.socketpair();
  try {
    bb.settimeout(5);
    const w = a.makefile("wb", 0);
    w.write(b("HEADER "));
    await a.sendall(b("BODY"));
    w.write(b(" TRAILER "));
    const w2 = a.makefile("wb");
    w2.write(b("A".repeat(9000)));
    await a.sendall(b("END"));
    w.write(b("!"));
    await a.shutdown(socket.SHUT_WR);
    let got = ""; // ASCII only
    for (;;) {
      const d = await bb.recv(65536);
      if (!d.length) break;
      got += new TextDecoder().decode(d);
    }
    await w.close();
    await w2.close();
    return [repr(b(got.slice(0, 22))), got.length, repr(b(got.slice(-5)))];
  } finally {
    await closeAll(a, bb);
  }
});

scenario("makefile('wb', buffering=1) writes through; closed unbuffered files; seekable()", async () => {
  const [a, bb] = await socket.socketpair();
  const out: unknown[] = [];
  try {
    bb.settimeout(5);
    const w = a.makefile("wb", 1);
    w.write(b("PING\n"));
    out.push(repr(await bb.recv(100)));
    out.push(w.seekable());
    await w.close();
    const u = a.makefile("wb", 0);
    const r = a.makefile("rb", 0);
    out.push(u.seekable());
    await u.close();
    await r.close();
    for (const f of [() => u.write(b("x")), () => u.flush(), () => u.seekable(), () => r.read(1), () => w.write(b("x"))]) {
      try {
        await f();
        out.push("ok");
      } catch (e) {
        if (!(e instanceof socket.ValueError)) throw e;
        out.push(e.message);
      }
    }
    return out;
  } finally {
    await closeAll(a, bb);
  }
});

scenario("text makefile() encode error handlers, utf-8-sig, utf-16 without a byte order mark", async () => {
  const [a, bb] = await socket.socketpair();
  const out: unknown[] = [];
  try {
    bb.settimeout(5);
    const cases: [string, string, string][] = [
      ["utf-8", "surrogateescape", "x\udcff\udc80y\n"],
      ["ascii", "surrogateescape", "x\udce9\n"],
      ["utf-8", "surrogatepass", "\ud800\n"],
      ["ascii", "xmlcharrefreplace", "caf\u00e9\u20ac\n"],
      ["latin-1", "backslashreplace", "caf\u00e9\u20ac\u{1f600}\n"],
      ["cp1252", "replace", "\u20ac\u0100\n"],
      ["utf-8", "ignore", "a\udcffb\n"],
      ["utf-16-le", "replace", "\udcff\n"],
    ];
    for (const [encoding, errors, text] of cases) {
      const f = a.makefile("w", { encoding, errors });
      f.write(text);
      await f.close();
      out.push(repr(await bb.recv(100)));
    }
    const bad: [string, string, string][] = [
      ["utf-8", "strict", "ab\udcff\udcfe\n"],
      ["ascii", "strict", "ca\u00e9\u20ac!"],
      ["utf-8", "surrogateescape", "\ud800"],
      ["cp1252", "strict", "\u{1f600}"],
      ["utf-16-le", "strict", "x\udcff\udcff"],
    ];
    for (const [encoding, errors, text] of bad) {
      const f = a.makefile("w", { encoding, errors });
      try {
        f.write(text);
        out.push("no error");
      } catch (e) {
        if (!(e instanceof socket.UnicodeEncodeError)) throw e;
        out.push([e.name, e.message, e.start, e.end, e instanceof socket.UnicodeError]);
      }
      await f.close();
    }
    let f = a.makefile("w", { encoding: "utf-8-sig" });
    f.write("hi");
    f.write("yo\n");
    await f.close();
    const got = await bb.recv(100);
    out.push(repr(got));
    await bb.sendall(got);
    f = a.makefile("r", { encoding: "utf-8-sig" });
    out.push(JSON.stringify(await f.readline()).replaceAll('"', "'"));
    await f.close();
    await bb.sendall(new Uint8Array([104, 0, 105, 0, 10, 0]));
    f = a.makefile("r", { encoding: "utf-16" });
    try {
      await f.readline();
    } catch (e) {
      if (!(e instanceof socket.UnicodeError)) throw e;
      out.push([e.name, e.message]);
    }
    await f.close();
    return out;
  } finally {
    await closeAll(a, bb);
  }
});

scenario("non-blocking connect_ex to a loopback listener: 115, and the connection is made (getpeername, shutdown, connect_ex again)", async () => {
  const [l, port] = await listener();
  const c = socket.socket();
  try {
    c.setblocking(false);
    const out: unknown[] = [await c.connect_ex(["127.0.0.1", port])];
    out.push(norm(c.getpeername()));
    out.push((c.getsockname() as unknown as [string, number])[0]);
    out.push(await c.connect_ex(["127.0.0.1", port]));
    out.push(await c.connect_ex(["127.0.0.1", port]));
    await c.shutdown(socket.SHUT_WR);
    const [a] = await l.accept();
    a.settimeout(5);
    out.push(repr(await a.recv(10)));
    await a.close();
    return out;
  } finally {
    await closeAll(c, l);
  }
});

scenario("unconnected unix stream socket: send says ENOTCONN, recv EINVAL; create_connection(source_address=b''); recv_into(bytes) of a closed socket", async () => {
  const out: unknown[] = [];
  const u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  for (const f of [() => u.send(b("x")), () => u.sendall(b("x")), () => u.send(b("")), () => u.recv(1)]) {
    try {
      await f();
      out.push("ok");
    } catch (e) {
      if (!(e instanceof socket.OSError)) throw e;
      out.push([e.name, e.errno]);
    }
  }
  u.settimeout(0);
  try {
    await u.recv(1);
  } catch (e) {
    if (!(e instanceof socket.OSError)) throw e;
    out.push([e.name, e.errno]);
  }
  await u.close();
  const [l, port] = await listener();
  const c = await socket.create_connection(["127.0.0.1", port], 5, new socket.PyBytes(new Uint8Array(0)) as never);
  out.push((c.getsockname() as unknown as [string, number])[0]);
  await c.close();
  await l.close();
  const abc = new socket.PyBytes(b("abc"));
  for (const f of [() => c.recv_into(abc as never), () => c.recvmsg_into([abc as never]), () => c.recv_into(new Uint8Array(2), 5)]) {
    try {
      await f();
    } catch (e) {
      out.push([(e as Error).name, (e as Error).message]);
    }
  }
  return out;
});

scenario("a buffered makefile() whose flush failed keeps its bytes (flush and close raise again); text file attributes; getnameinfo of an IPv4-mapped address", async () => {
  const out: unknown[] = [];
  let [a, bb] = await socket.socketpair();
  await bb.close();
  await sleep(100);
  const w = a.makefile("wb");
  for (const f of [() => w.write(b("hello")), () => w.flush(), () => w.flush(), () => w.close(), () => w.closed]) {
    try {
      out.push((await f()) ?? null);
    } catch (e) {
      if (!(e instanceof socket.OSError)) throw e;
      out.push([e.name, e.errno]);
    }
  }
  await a.close();
  [a, bb] = await socket.socketpair();
  try {
    bb.settimeout(5);
    await bb.sendall(b("x\r\ny\nz\rw\n"));
    await bb.shutdown(socket.SHUT_WR);
    const r = a.makefile("r");
    out.push([r.newlines, r.line_buffering, r.isatty()]);
    const lines: unknown[] = [];
    for (let i = 0; i < 4; i++) lines.push(await r.readline());
    out.push(lines);
    out.push(r.newlines);
    for (const f of [() => r.tell(), () => r.seek(0)]) {
      try {
        f();
      } catch (e) {
        if (!(e instanceof socket.OSError)) throw e;
        out.push([e.name, e.message]);
      }
    }
    await r.close();
    const rb = a.makefile("rb");
    for (const f of [() => rb.tell(), () => rb.seek(0), () => rb.isatty()]) {
      try {
        out.push(f());
      } catch (e) {
        if (!(e instanceof socket.OSError)) throw e;
        out.push([e.name, e.message]);
      }
    }
    await rb.close();
    const rw = a.makefile("rw");
    try {
      rw.fileno();
    } catch (e) {
      if (!(e instanceof socket.OSError)) throw e;
      out.push([e.name, e.message]);
    }
    await rw.close();
  } finally {
    await closeAll(a, bb);
  }
  out.push([...(await socket.getnameinfo(["::ffff:127.0.0.1", 80, 0, 0], socket.NI_NUMERICSERV))]);
  return out;
});

scenario("unix socket file outlives close", async () => {
  const path = `/tmp/polysock-parity-stale-${pid}-ts.sock`;
  const cpath = path + ".c";
  unlinkQuiet(path);
  unlinkQuiet(cpath);
  const out: unknown[] = [];
  const l = socket.socket(socket.AF_UNIX);
  await l.bind(path);
  out.push(fs.existsSync(path));
  await l.listen();
  await l.close();
  out.push(fs.existsSync(path));
  await withSock(socket.socket(socket.AF_UNIX), async (c) => out.push(await c.connect_ex(path)));
  await withSock(socket.socket(socket.AF_UNIX), async (s) => {
    try {
      await s.bind(path);
    } catch (e) {
      const err = e as socket.OSError;
      out.push([err.constructor.name, err.errno]);
    }
  });
  fs.unlinkSync(path);
  await withSock(socket.socket(socket.AF_UNIX), async (s) => {
    await s.bind(path);
    await s.listen();
    await withSock(socket.socket(socket.AF_UNIX), async (c) => {
      await c.bind(cpath);
      await c.connect(path);
      out.push(fs.existsSync(cpath)); // (its name: differences #61)
    });
  });
  out.push([fs.existsSync(path), fs.existsSync(cpath)]);
  fs.unlinkSync(path);
  fs.unlinkSync(cpath);
  return out;
});

scenario("poll: a refused non-blocking connect is POLLIN|POLLOUT|POLLERR|POLLHUP (POLLERR until SO_ERROR); POLLHUP after shutdown(SHUT_RDWR), even for mask 0", async () => {
  const out: unknown[] = [];
  const port = await deadPort();
  const s = socket.socket();
  s.setblocking(false);
  out.push(await s.connect_ex(["127.0.0.1", port]));
  await sleep(50);
  out.push(await pollEvents(s));
  out.push(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR));
  out.push(await pollEvents(s));
  await s.close();
  await withPair(async (c) => {
    await c.shutdown(socket.SHUT_RDWR);
    out.push(await pollEvents(c, socket.POLLIN));
    out.push(await pollEvents(c, 0));
  });
  return out;
});

scenario("poll: a connection reset by the peer is POLLERR until SO_ERROR reads it", () =>
  withPair(async (c, a) => {
    a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, new Uint8Array(new Int32Array([1, 0]).buffer));
    await a.close();
    await sleep(50);
    return [await pollEvents(c), c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), await pollEvents(c)];
  }),
);

scenario("poll: a connected UDP socket's ICMP error is POLLERR, not POLLIN", async () => {
  const out: unknown[] = [];
  await withSock(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), async (u) => {
    u.settimeout(2);
    await u.connect(["127.0.0.1", await deadPort()]);
    await u.send(b("x"));
    await sleep(50);
    out.push(await pollEvents(u));
    try {
      await u.recv(10);
    } catch (e) {
      out.push((e as socket.OSError).errno);
    }
    out.push(await pollEvents(u));
  });
  return out;
});

scenario("class MySocket(socket.socket): its instances (accept() gives plain ones); fd numbers reused lowest first; socketpair errors", async () => {
  class MySocket extends socket.socket {
    hello(): string {
      return "hello from " + this.constructor.name;
    }
  }
  const out: unknown[] = [];
  await withSock(new MySocket(socket.AF_INET, socket.SOCK_STREAM), async (s) => {
    const m = s as MySocket;
    out.push([m.constructor.name, m instanceof socket.socket, m.hello()]);
    await s.bind(["127.0.0.1", 0]);
    await s.listen();
    await withSock(await socket.create_connection(s.getsockname() as [string, number]), async () => {
      const [conn] = await s.accept();
      await withSock(conn, () => out.push([conn instanceof MySocket, "hello" in conn])); // CPython's accept() makes a plain socket
    });
  });
  const [x, y, z] = [socket.socket(), socket.socket(), socket.socket()];
  const base = x.fileno();
  out.push([y.fileno() - base, z.fileno() - base]);
  await y.close();
  await x.close();
  const [w, v] = [socket.socket(), socket.socket()];
  out.push([w.fileno() - base, v.fileno() - base]);
  const [a, bb] = await socket.socketpair();
  out.push([a.fileno() > z.fileno(), bb.fileno() > a.fileno()]);
  await closeAll(z, w, v, a, bb);
  for (const fam of [999, socket.AF_INET]) {
    try {
      await socket.socketpair(fam);
    } catch (e) {
      out.push((e as socket.OSError).errno);
    }
  }
  return out;
});

scenario("shutdown(SHUT_WR) of an unconnected TCP socket raises ENOTCONN and recv still does; SHUT_RD reads EOF; closed settimeout stores", async () => {
  const out: unknown[] = [];
  for (const how of [socket.SHUT_WR, socket.SHUT_RD]) {
    await withSock(socket.socket(), async (s) => {
      try {
        await s.shutdown(how);
      } catch (e) {
        out.push((e as socket.OSError).errno);
      }
      try {
        out.push(repr(await s.recv(10)));
      } catch (e) {
        out.push((e as socket.OSError).errno);
      }
    });
  }
  const s = socket.socket();
  await s.close();
  for (const f of [() => s.settimeout(5), () => s.setblocking(false)]) {
    try {
      f();
    } catch (e) {
      out.push([(e as socket.OSError).errno, s.gettimeout(), s.getblocking()]);
    }
  }
  return out;
});

scenario("argument checks: inet_aton '0x' and NUL, gethostbyname_ex special names, hton* overflow texts, int families, getnameinfo scope wraps", async () => {
  const x = (v: unknown): unknown => v as never;
  const calls: (() => unknown)[] = [
    () => socket.inet_aton("0x"),
    () => socket.inet_aton("0x.1"),
    () => socket.inet_aton("1.2.3.4\0"),
    () => socket.inet_pton(socket.AF_INET, "1.2.3.4\0"),
    () => socket.inet_pton(x("2") as number, "1.2.3.4"),
    () => socket.inet_ntop(x("2") as number, b("1234")),
    () => socket.gethostbyname_ex(""),
    () => socket.gethostbyname_ex("<broadcast>"),
    () => socket.gethostbyname_ex("0x7f.1"),
    () => socket.gethostbyname_ex("127.1"),
    () => socket.htons(2 ** 31),
    () => socket.htons(2 ** 63),
    () => socket.htonl(2 ** 64),
    () => socket.htonl(x("1") as number),
    () => socket.ntohl(1.5),
    () => socket.socket().settimeout(1e300),
    () => socket.socket().listen(2 ** 31),
    () => socket.socketpair(x("x") as number),
    () => socket.getnameinfo(["::1", 80, 0, 2 ** 32], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
    () => socket.getnameinfo(["::1", 80, 2 ** 32 + 5, 0], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
  ];
  return collect(calls);
});

scenario("closed socket: bad arguments raise TypeError/ValueError before EBADF; makefile modes any mix of r, w, b; binary ignores encoding", async () => {
  const out: unknown[] = [];
  const s = socket.socket();
  await s.close();
  const x = (v: unknown): never => v as never;
  for (const f of [
    () => s.recv(-1),
    () => s.recvfrom(-1),
    () => s.bind(x("x")),
    () => s.connect(["127.0.0.1", x("x")]),
    () => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, x("x")),
    () => s.getsockopt(socket.SOL_SOCKET, x("x")),
    () => s.shutdown(x("x")),
    () => s.listen(x("x")),
    () => s.recv(1),
  ]) {
    try {
      await f();
    } catch (e) {
      const err = e as socket.OSError;
      out.push([err.name, typeof err.errno === "number" ? err.errno : null]);
    }
  }
  const [a, bb] = await socket.socketpair();
  try {
    for (const [mode, kw] of [["", {}], ["rr", {}], ["wbw", {}], ["b", {}], ["rb", { encoding: "latin-1", errors: "x", newline: "zz" }], ["rt", {}]] as [string, socket.MakefileOptions][]) {
      try {
        const f = a.makefile(mode, kw);
        out.push([mode, f.mode, f.readable(), f.writable()]);
      } catch (e) {
        out.push([mode, (e as Error).message]);
      }
    }
    await withSock(socket.socket(socket.AF_UNIX), async (u) => {
      for (const sock of [u, a]) {
        try {
          await sock.sendto(b("x"), "/tmp/polysock-parity-nowhere.sock");
        } catch (e) {
          out.push((e as socket.OSError).errno);
        }
      }
    });
    await withSock(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), (u) => {
      out.push([repr(u.getsockopt(socket.IPPROTO_IP, socket.IP_TTL, 2) as Uint8Array), repr(u.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 2) as Uint8Array)]);
    });
  } finally {
    await closeAll(a, bb);
  }
  return out;
});

scenario("unix bind('') autobinds an abstract name of five hex digits; a client connects to it", () =>
  withSock(socket.socket(socket.AF_UNIX), async (s) => {
    await s.bind("");
    const name = s.getsockname() as string;
    await s.listen();
    return await withSock(socket.socket(socket.AF_UNIX), async (c) => {
      await c.connect(name);
      const [a] = await s.accept();
      return await withSock(a, async () => {
        await c.sendall(b("auto"));
        return [name.length, name[0] === "\0", /^[0-9a-f]{5}$/.test(name.slice(1)), repr(await a.recv(10))];
      });
    });
  }),
);

scenario("select/poll/selectors: huge timeouts raise OverflowError; a closed selector's get_key raises RuntimeError", async () => {
  const out: unknown[] = [];
  const p = socket.poll();
  const sel = socket.selectors.DefaultSelector();
  for (const f of [
    () => socket.select([], [], [], 9.3e9),
    () => p.poll(2 ** 31),
    () => p.poll(-(2 ** 31) - 1),
    () => p.poll(2 ** 63),
    () => sel.select(1e20),
  ]) {
    try {
      await f();
    } catch (e) {
      if (e instanceof socket.OverflowError) out.push(e.message);
      else throw e;
    }
  }
  sel.close();
  try {
    sel.get_key(1);
  } catch (e) {
    out.push([(e as Error).name, (e as Error).message]);
  }
  out.push(sel.get_map());
  return out;
});

scenario("selectors: a closed EpollSelector refuses register/select (ValueError), a closed PollSelector or SelectSelector goes on working with get_map() None; modify/unregister raise KeyError; repr and class names", async () => {
  const S = socket.selectors;
  const out: unknown[] = [S.DefaultSelector.name];
  for (const cls of [S.DefaultSelector, S.PollSelector, S.SelectSelector]) {
    const sel = cls();
    const r = String(sel);
    out.push([r.slice("<selectors.".length).split(" ")[0], r.split(" object at 0x")[0], (await import("node:util")).inspect(sel) === r]);
    const [a, peer] = await socket.socketpair();
    try {
      sel.close();
      await peer.send(b("x"));
      const ready = async () => (await sel.select(0)).map(([k, m]) => [k.fd === a.fileno(), m]);
      for (const [name, f] of [
        ["register", () => sel.register(a, S.EVENT_READ, "d").data],
        ["select", ready],
        ["modify", () => sel.modify(a, S.EVENT_READ | S.EVENT_WRITE).events],
        ["select", ready],
        ["get_map", () => sel.get_map()],
        ["get_key", () => sel.get_key(a)],
        ["unregister", () => sel.unregister(a).events],
        ["modify", () => sel.modify(a, S.EVENT_READ)],
        ["close", () => sel.close()],
      ] as [string, () => unknown][]) {
        try {
          out.push([name, (await f()) ?? null]);
        } catch (e) {
          out.push([name, (e as Error).name, (e as Error).message.replace(String(a), "A")]);
        }
      }
    } finally {
      a.close();
      peer.close();
    }
  }
  return out;
});

scenario("close() with input unread while the peer still sends: the peer's sendall gets ConnectionResetError", async () => {
  const [c, s, l] = await pair();
  const res: unknown[] = [];
  const t = (async () => {
    try {
      await s.sendall(new Uint8Array(64 << 20).fill(120));
      res.push("sendall ok");
    } catch (e) {
      res.push([(e as Error).name, (e as socket.OSError).errno]);
    }
  })();
  try {
    let got = 0;
    while (got < 1 << 20) got += (await c.recv(65536)).length;
    await sleep(100); // more arrives unread (right after a recv that emptied everything, FIN or RST is a race)
    await c.close();
    await Promise.race([t, sleep(5000)]);
    return res;
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("udp bound to port 0 keeps its port through reconnects and sendto elsewhere; connect(('', 0)) takes any sender", async () => {
  const a = await udp();
  const b2 = await udp();
  const c = await udp();
  const same = (x: unknown, y: unknown): boolean => String(x) === String(y);
  try {
    const a0 = a.getsockname();
    const out: unknown[] = [];
    await a.connect(b2.getsockname() as never);
    await a.sendto(b("x"), c.getsockname() as never);
    out.push(same(a.getsockname(), a0));
    await a.connect(c.getsockname() as never);
    out.push(same(a.getsockname(), a0));
    await a.connect(["", 0]);
    out.push(same(a.getsockname(), a0));
    await b2.sendto(b("from-b"), a0 as never);
    a.settimeout(2);
    const [d, addr] = await a.recvfrom(100);
    out.push(repr(d), same(addr, b2.getsockname()), repr(await c.recv(10)));
    return out;
  } finally {
    await closeAll(a, b2, c);
  }
});

/** Each call's result (bytes as their repr), or [exception class, str(e)]. */
async function collect(calls: (() => unknown)[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const f of calls) {
    try {
      const r = await f();
      out.push(r instanceof Uint8Array ? repr(r) : r === undefined ? null : r);
    } catch (e) {
      out.push([(e as Error).name, (e as Error).message]);
    }
  }
  return out;
}

scenario("options: binding ::1 sets IPV6_V6ONLY, IPv6 sockets' levels and IPv4 multicast options, signed and short bytes values, Linux defaults, SO_ACCEPTCONN after a listener's shutdown", async () => {
  const t6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
  const u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  const w6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
  const t4 = socket.socket();
  const u4 = await udp(false);
  let c: socket.Socket | null = null;
  let a: socket.Socket | null = null;
  try {
    await t6.bind(["::1", 0]);
    await t6.listen();
    await u6.bind(["::1", 0]);
    await w6.bind(["::", 0]);
    await t4.bind(["127.0.0.1", 0]);
    c = await socket.create_connection(["::1", (t6.getsockname() as [string, number])[1]]);
    [a] = await t6.accept();
    const acc = a;
    return await collect([
      () => t6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY),
      () => acc.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY),
      () => u6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY),
      () => w6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY),
      () => u6.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY),
      () => t6.getsockopt(socket.IPPROTO_UDP, 1),
      () => t4.getsockopt(socket.IPPROTO_UDP, 1),
      () => u6.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL),
      () => u6.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 5),
      () => u6.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL),
      () => t4.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1),
      () => u4.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, Uint8Array.of(0xff, 0xff, 0xff, 0xff)),
      () => u4.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
      () => u4.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, Uint8Array.of(2, 1)),
      () => u4.getsockopt(socket.IPPROTO_IP, socket.IP_TTL),
      () => u4.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, Uint8Array.of(0xff, 0xff, 0xff, 0xff)),
      () => u4.getsockopt(socket.IPPROTO_IP, socket.IP_TTL),
      () => t4.getsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT),
      () => t4.getsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT),
      () => u4.getsockopt(socket.IPPROTO_IP, socket.IP_TOS),
      () => t4.listen(),
      () => t4.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN),
      () => t4.shutdown(socket.SHUT_RDWR),
      () => t4.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN),
      () => t4.listen(),
      () => t4.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN),
    ]);
  } finally {
    await closeAll(t6, u6, w6, t4, u4, ...[c, a].filter((x): x is socket.Socket => x !== null));
  }
});

scenario("argument ranges: C int and long overflow in socket(), shutdown, setblocking, get/setsockopt; socket() protocols; settimeout(-inf); getservbyport(True); a negative fileno; CMSG_LEN/CMSG_SPACE", async () => {
  const s = socket.socket();
  const x = (v: unknown): never => v as never;
  const unixProto = async (): Promise<number> => {
    const u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 1);
    await u.close();
    return u.proto;
  };
  try {
    return await collect([
      () => socket.socket(2 ** 31),
      () => socket.socket(socket.AF_INET, 2 ** 31),
      () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 2 ** 31),
      () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 263),
      () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, -5),
      () => socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMPV6),
      () => socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_ICMP),
      () => socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 2),
      unixProto,
      () => s.shutdown(2 ** 31),
      () => s.setblocking(x(2 ** 63)),
      () => s.getsockopt(2 ** 31, 1),
      () => s.getsockopt(socket.SOL_SOCKET, -(2 ** 31) - 1),
      () => s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 2 ** 31),
      () => s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 2 ** 63),
      () => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, null, 2 ** 31),
      () => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, null, -(2 ** 31) - 1),
      () => s.settimeout(-Infinity),
      () => socket.setdefaulttimeout(-1e300),
      () => s.gettimeout(),
      () => socket.getservbyport(x(true)),
      () => socket.getservbyport(2 ** 31),
      () => socket.getservbyname("kerberos_master", "tcp"),
      () => socket.getservbyname("kerberos_master", "udp"),
      () => socket.socket(undefined, undefined, undefined, -5),
      () => [socket.CMSG_LEN(4), socket.CMSG_SPACE(7), socket.CMSG_SPACE(0)],
      () => socket.CMSG_LEN(-1),
      () => socket.CMSG_SPACE(2 ** 31),
    ]);
  } finally {
    await s.close();
  }
});

scenario("a reset after some bytes: recv(MSG_WAITALL) returns them, then raises; a text makefile read that needs more raises at once", async () => {
  const out: unknown[] = [];
  for (const kind of ["waitall", "text read"]) {
    const [c, s, l] = await pair();
    try {
      await c.sendall("abc");
      await sleep(100); // the peer's runtime reads it before the reset arrives
      c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger(1, 0));
      await c.close();
      await sleep(200);
      if (kind === "waitall") out.push(...(await collect([() => s.recv(10, socket.MSG_WAITALL), () => s.recv(10), () => s.recv(10)])));
      else {
        const f = s.makefile("r");
        out.push(...(await collect([() => f.read(10), () => f.read(), () => s.recv(10)])));
        await f.close();
      }
    } finally {
      await closeAll(c, s, l);
    }
  }
  return out;
});

scenario("recv(MSG_PEEK | MSG_WAITALL) waits for all n bytes and leaves them; TCP recvfrom(0), recvmsg(0), recvfrom_into(empty) wait for data and take nothing", async () => {
  const [c, s, l] = await pair();
  try {
    await c.sendall("ab");
    const later = sleep(200).then(() => c.sendall("cdef"));
    const out = await collect([() => s.recv(4, socket.MSG_PEEK | socket.MSG_WAITALL)]);
    await later;
    await sleep(50);
    s.settimeout(0.2);
    out.push(...(await collect([() => s.recv(10), async () => String(await s.recvfrom(0)), async () => String(await s.recvmsg(0))])));
    s.setblocking(false);
    out.push(...(await collect([async () => String(await s.recvfrom(0))])));
    s.setblocking(true);
    await c.sendall("x");
    await sleep(50);
    out.push(
      ...(await collect([
        async () => String(await s.recvfrom(0)),
        async () => String(await s.recvfrom_into(new Uint8Array(0))),
        async () => String(await s.recvmsg(0)),
        () => s.recv(10),
      ])),
    );
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("makefile size arguments as io checks them; sock.close() with a file open: the socket goes on working until the file closes", async () => {
  const [c, s, l] = await pair();
  const x = (v: unknown): never => v as never;
  try {
    await c.sendall("one\ntwo\nthree\n");
    await sleep(50);
    const t = s.makefile("r");
    const out = await collect([() => t.readline(null), () => t.read(2.5), () => t.readlines(2.5)]);
    await t.close();
    const f = s.makefile("rb");
    out.push(
      ...(await collect([
        () => f.read(2.5),
        () => f.read(x("2")),
        () => f.read(-5),
        () => f.readline(2.5),
        () => f.readlines(2.5),
        () => f.readline(null),
        () => f.read(x(true)),
      ])),
    );
    await s.close();
    out.push(...(await collect([() => (s.getpeername() as [string, number])[0], () => s.send("hi"), () => c.recv(10), () => f.readline()])));
    await f.close();
    out.push(...(await collect([() => s.getpeername(), () => f.readlines(), () => c.recv(10)])));
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("text makefile readline cut inside a character by EOF: the error's positions count from that character", async () => {
  const [c, s, l] = await pair();
  try {
    await c.sendall(Uint8Array.of(0x61, 0x62, 0xe2, 0x98));
    await c.shutdown(socket.SHUT_WR);
    const f = s.makefile("r");
    const out = await collect([() => f.readline()]);
    await f.close();
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("addresses: IPv4-mapped on AF_INET, NUL in a host, broadcast on AF_INET6, IPv6 flowinfo/scope_id as C unsigned ints; recvfrom and accept print as tuples", async () => {
  const u = await udp();
  const v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  const [l, port] = await listener();
  let c: socket.Socket | null = null;
  let a: socket.Socket | null = null;
  const x = (v: unknown): never => v as never;
  try {
    const out = await collect([
      () => v.connect(["::ffff:127.0.0.1", (u.getsockname() as [string, number])[1]]),
      () => String(v.getpeername()) === String(u.getsockname()),
      () => v.send("hi"),
      async () => norm(await u.recvfrom(10)),
      () => s6.bind(["127.0.0.1\0", 0]),
      () => s6.sendto(b("x"), ["<broadcast>", 9]),
      () => s6.sendto(b("x"), ["255.255.255.255", 9]),
      () => s6.bind(x(["::1", 0, null])),
      () => s6.bind(x(["::1", 0, 0, "1"])),
      () => s6.bind(["::1", 0, 2 ** 32]),
      () => (s6.getsockname() as [string, number])[0],
    ]);
    c = await socket.create_connection(["127.0.0.1", port]);
    const r = await l.accept();
    a = r[0];
    const str = String(r);
    out.push(norm(r[1]) === norm(str.slice(str.indexOf(", (") + 2, -1)));
    return out;
  } finally {
    await closeAll(u, v, s6, l, ...[c, a].filter((y): y is socket.Socket => y !== null));
  }
});

scenario("selectors: a socket closed while registered: PollSelector reports it ready, SelectSelector raises EBADF (ready if closed while it waits), DefaultSelector forgets it", async () => {
  const out: unknown[] = [];
  for (const name of ["PollSelector", "SelectSelector", "DefaultSelector"] as const) {
    for (const during of [false, true]) {
      const [a, bb] = await socket.socketpair();
      const sel = socket.selectors[name]();
      try {
        sel.register(bb, socket.selectors.EVENT_READ);
        if (during) void sleep(100).then(() => bb.close());
        else await bb.close();
        out.push(...(await collect([async () => (await sel.select(0.4)).map(([, m]) => m)])));
      } finally {
        sel.close();
        await closeAll(a, bb);
      }
    }
  }
  return out;
});

/** Start test/parity/full_backlog.py (a listener that lets no connect complete); its port and its process. */
async function fullBacklog(): Promise<[number, { kill(): unknown }]> {
  const file = new URL("./full_backlog.py", import.meta.url).pathname;
  const p = spawn("python3", [file, "5"], { stdio: ["ignore", "pipe", "ignore"] });
  const line = await new Promise<string>((resolve, reject) => {
    let got = "";
    p.stdout!.on("data", (d: Uint8Array) => {
      got += new TextDecoder().decode(d);
      if (got.includes("\n")) resolve(got);
    });
    p.on("error", reject);
  });
  return [Number(line.trim()), p];
}

scenario("shutdown() of a socket still connecting aborts the attempt: the waiting connect raises ConnectionResetError; non-blocking, SO_ERROR is 104 and it may connect again", async () => {
  const out: unknown[] = [];
  for (const blocking of [true, false]) {
    const [port, p] = await fullBacklog();
    const s = socket.socket();
    try {
      if (blocking) {
        s.settimeout(3);
        const res = collect([() => s.connect(["127.0.0.1", port])]);
        await sleep(300);
        out.push(...(await collect([() => s.shutdown(socket.SHUT_RDWR)])), ...(await res));
      } else {
        s.setblocking(false);
        out.push(
          ...(await collect([
            () => s.connect_ex(["127.0.0.1", port]),
            () => s.shutdown(socket.SHUT_RDWR),
            () => s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
            () => s.connect_ex(["127.0.0.1", port]),
          ])),
        );
      }
    } finally {
      await s.close();
      p.kill();
    }
  }
  return out;
});

scenario("enums (AddressFamily, SocketKind, MsgFlag, AddressInfo), get/set_inheritable, socket.close(fd)", async () => {
  const s = socket.socket();
  const fd = s.fileno();
  const x = (v: unknown): never => v as never;
  const out = await collect([
    () => socket.AddressFamily.AF_INET6,
    () => socket.AddressFamily(2),
    () => socket.AddressFamily(999),
    () => socket.AddressFamily("x"),
    () => socket.SocketKind(true),
    () => [...socket.SocketKind],
    () => [...socket.AddressFamily],
    () => [...socket.MsgFlag],
    () => [...socket.AddressInfo],
    () => socket.MsgFlag(66),
    () => socket.MsgFlag(-1),
    () => socket.MsgFlag(-(2 ** 31) - 5),
    () => socket.AddressInfo(-1),
    () => socket.MsgFlag(3.5),
    () => s.get_inheritable(),
    () => s.set_inheritable(true),
    () => s.get_inheritable(),
    () => s.set_inheritable(x("x")),
    () => s.set_inheritable(x(2 ** 40)),
    () => socket.close(fd),
    () => s.recv(1),
    () => s.get_inheritable(),
    () => socket.close(-1),
    () => socket.close(fd),
    () => socket.close(x("x")),
    () => socket.close(1e30),
  ]);
  await s.close().catch(() => undefined); // the object still holds the number socket.close(fd) closed: EBADF, as CPython's
  return out;
});

scenario("dup(), detach(), socket(fileno=), fromfd(), socket.dup(fd): numbers sharing one connection or listener, closed with the last", async () => {
  const [c, a, l] = await pair();
  const port = (l.getsockname() as [string, number])[1];
  const socks = [c, a, l];
  try {
    c.settimeout(2.5);
    const d = c.dup();
    socks.push(d);
    const out = await collect([
      () => d.fileno() !== c.fileno() && d.fileno() > 0,
      () => [d.gettimeout(), d.family === c.family, d.type === c.type, d.proto, String(d.getpeername()) === String(c.getpeername())],
      () => d.settimeout(null),
      () => c.gettimeout(),
      () => d.sendall(b("hello")),
      () => a.recv(10),
      () => a.sendall(b("back")),
      () => c.recv(10),
      () => c.close(),
      async () => [c.fileno(), await d.send(b("x"))],
      () => a.recv(10),
      () => a.settimeout(0.2),
      () => a.recv(10),
      () => d.close(),
      () => a.settimeout(2),
      () => a.recv(10),
      () => c.dup(),
    ]);
    const c2 = await socket.create_connection(["127.0.0.1", port]);
    const [a2] = await l.accept();
    socks.push(c2, a2);
    c2.settimeout(3);
    const fd = c2.detach();
    const n = socket.socket(undefined, undefined, undefined, fd);
    const m = socket.fromfd(n.fileno(), socket.AF_INET, socket.SOCK_STREAM);
    socks.push(n, m);
    out.push(
      ...(await collect([
        () => [fd > 0, c2.fileno(), c2.detach(), String(c2).startsWith("<socket.socket [closed] fd=-1")],
        () => [n.fileno() === fd, n.gettimeout(), n.family === socket.AF_INET, n.type === socket.SOCK_STREAM, n.proto],
        () => n.sendall(b("via n")),
        () => a2.recv(10),
        () => [m.fileno() !== n.fileno(), m.proto],
        () => n.close(),
        () => m.sendall(b("m")),
        () => a2.recv(10),
      ])),
    );
    const fd2 = socket.dup(m.fileno());
    out.push(
      ...(await collect([
        () => fd2 !== m.fileno(),
        () => m.close(),
        () => a2.settimeout(0.2),
        () => a2.recv(10),
        () => socket.close(fd2),
        () => a2.settimeout(2),
        () => a2.recv(10),
        () => socket.socket(undefined, undefined, undefined, fd2),
        () => socket.dup(fd2),
      ])),
    );
    const l2 = l.dup();
    socks.push(l2);
    await l.close();
    const c3 = await socket.create_connection(["127.0.0.1", port]);
    const [a3] = await l2.accept();
    socks.push(c3, a3);
    out.push(
      ...(await collect([
        () => String(a3.getpeername()) === String(c3.getsockname()),
        () => l2.close(),
        () => socket.create_connection(["127.0.0.1", port], 2),
      ])),
    );
    return out;
  } finally {
    await closeAll(...socks);
  }
});

scenario("recv(0)/recv_into(empty) need no open socket; recv and poll after a refused connect with a timeout; UDP send checks in udp_sendmsg's order and autobind", async () => {
  const [a, bb] = await socket.socketpair();
  await a.close();
  const u = socket.socket();
  const port = await deadPort();
  const r = socket.socket();
  r.settimeout(0.5);
  const x = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const v = await udp();
  const big = new Uint8Array(70000);
  const b65508 = new Uint8Array(65508);
  try {
    return await collect([
      () => a.recv(0),
      () => a.recv_into(new Uint8Array(0)),
      () => a.recv(1),
      () => a.recv(0, "x" as never),
      () => u.recv(0),
      () => r.connect(["127.0.0.1", port]),
      () => r.recv(10),
      () => r.recv(10, socket.MSG_PEEK),
      () => pollEvents(r, socket.POLLIN | socket.POLLOUT),
      () => x.send(big),
      () => (x.getsockname() as [string, number])[1] !== 0,
      () => x.bind(["127.0.0.1", 0]),
      () => v.send(big),
      () => v.send(b65508),
      () => v.sendto(b65508, ["127.0.0.1", 0]),
      () => v.sendto(big, ["127.0.0.1", 0]),
    ]);
  } finally {
    await closeAll(bb, u, r, x, v);
  }
});

scenario("connect() again after shutdown() of a socket whose timed connect Linux still counts as connecting: EISCONN when up, EINVAL when it had failed", async () => {
  const [l, port] = await listener();
  const dead = await deadPort();
  const c = socket.socket();
  const d = socket.socket();
  const socks = [l, c, d];
  try {
    c.settimeout(0.5);
    await c.connect(["127.0.0.1", port]);
    const [a] = await l.accept();
    socks.push(a);
    d.settimeout(0.5);
    return await collect([
      () => c.shutdown(socket.SHUT_WR),
      () => c.connect_ex(["127.0.0.1", port]),
      () => d.connect_ex(["127.0.0.1", dead]),
      () => d.shutdown(socket.SHUT_RDWR),
      () => d.connect_ex(["127.0.0.1", dead]),
      () => d.connect_ex(["127.0.0.1", port]),
    ]);
  } finally {
    await closeAll(...socks);
  }
});

scenario("recv after shutdown(SHUT_RD) raises a reset that arrived, then reads b''; a makefile read that timed out holds its bytes (close sends FIN); makefile write after shutdown(SHUT_WR) raises", async () => {
  const [c, s, l] = await pair();
  const [c2, s2, l2] = await pair();
  const [p, q] = await socket.socketpair();
  try {
    await c.sendall(b("never read"));
    await sleep(50);
    await s.shutdown(socket.SHUT_RD);
    await c.close();
    await sleep(50);
    s.settimeout(0.5);
    const out = await collect([() => s.recv(10), () => s.recv(10)]);
    s2.settimeout(0.3);
    c2.settimeout(0.5);
    await c2.sendall(b("partial line"));
    await sleep(50);
    const f = s2.makefile("rb");
    out.push(...(await collect([() => f.readline()])));
    await f.close();
    await s2.close();
    out.push(...(await collect([() => c2.recv(100), () => c2.recv(100)])));
    const w = p.makefile("wb", { buffering: 0 });
    await p.shutdown(socket.SHUT_WR);
    out.push(...(await collect([() => w.write(b("abc")), () => w.flush(), () => w.close()])));
    return out;
  } finally {
    await closeAll(c, s, l, c2, s2, l2, p, q);
  }
});

scenario("codecs: surrogateescape on UTF-16/32 escapes only bytes from 0x80 and resumes after them; utf-8-sig errors say utf-8; text readlines(hint) counts characters; a utf-8-sig writer's mark is used up by a failed first write", async () => {
  const by = (...x: number[]): socket.PyBytes => new socket.PyBytes(x);
  const dec = (x: socket.PyBytes, e: string): unknown => {
    try {
      return pyAscii(x.decode(e, "surrogateescape"));
    } catch (err) {
      return [(err as Error).name, (err as Error).message];
    }
  };
  const [a, bb] = await socket.socketpair();
  try {
    const out: unknown[] = (
      [
        [by(0x61), "utf-16-le"],
        [by(0x61, 0, 0x62), "utf-16-le"],
        [by(0, 0xd8, 0x61, 0), "utf-16-le"],
        [by(1, 2), "utf-32"],
        [by(0xff, 0xff, 0xff, 0xff, 1), "utf-32-le"],
        [by(0xff, 0xfe), "utf-16-le"],
      ] as [socket.PyBytes, string][]
    ).map(([x, e]) => dec(x, e));
    out.push(...(await collect([() => by(0xef, 0xbb, 0xbf, 0x61, 0xff).decode("utf-8-sig")])));
    await bb.sendall(b("😀😀\n".repeat(3)));
    await bb.shutdown(socket.SHUT_WR);
    a.settimeout(0.5);
    const f = a.makefile("r", { encoding: "utf-8" });
    out.push(...(await collect([async () => (await f.readlines(4)).length, async () => (await f.readlines()).length])));
    await f.close();
    const g = bb.makefile("w", { encoding: "utf-8-sig" });
    out.push(...(await collect([() => g.write("\udcff"), () => g.write("x"), () => g.close()])));
    await bb.close();
    out.push(...(await collect([() => a.recv(100)])));
    return out;
  } finally {
    await closeAll(a, bb);
  }
});

scenario("poll(): a registered number that a new socket took reports that socket", async () => {
  const p = socket.poll();
  const a = socket.socket();
  await a.bind(["127.0.0.1", 0]);
  await a.listen();
  const fd = a.fileno();
  p.register(a, socket.POLLIN | socket.POLLOUT);
  await a.close();
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    return await collect([() => u.fileno() === fd, async () => (await p.poll(0)).map(([, ev]) => ev)]);
  } finally {
    await closeAll(u);
  }
});

scenario("recv/send on a listener with a timeout: CPython polls first (TimeoutError; ENOTCONN once a connection waits)", async () => {
  const [l, port] = await listener();
  let c: socket.Socket | null = null;
  try {
    l.settimeout(0);
    const out = await collect([() => l.recv(10)]);
    l.settimeout(0.1);
    out.push(...(await collect([() => l.recv(10), () => l.recv(10, socket.MSG_DONTWAIT), () => l.send(b("x")), () => l.sendall(b("x"))])));
    l.settimeout(null);
    out.push(...(await collect([() => l.recv(10), () => l.send(b("x"))])));
    c = await socket.create_connection(["127.0.0.1", port]);
    await sleep(50);
    l.settimeout(0.1);
    out.push(...(await collect([() => l.recv(10)])));
    return out;
  } finally {
    await closeAll(l, ...(c ? [c] : []));
  }
});

scenario("text makefile writes reach the peer where CPython's do (8 KiB gathered, then the buffer of the given size)", async () => {
  const peerHas = async (p: socket.Socket): Promise<number> => {
    p.settimeout(0.1);
    let n = 0;
    try {
      for (;;) n += (await p.recv(1 << 20)).length;
    } catch {
      return n;
    }
  };
  const out: number[][] = [];
  const cases: [string, number | null, number[]][] = [["w", null, [8192, 1]], ["w", 1, [5, 8192]], ["rw", null, [5, 8192, 8191]], ["w", 100, [50, 60, 8100]]];
  for (const [mode, buffering, sizes] of cases) {
    const [a, bb] = await socket.socketpair();
    try {
      const f = a.makefile(mode, { buffering, encoding: "latin-1" });
      const got: number[] = [];
      for (const n of sizes) {
        f.write("y".repeat(n));
        await sleep(20);
        got.push(await peerHas(bb));
      }
      await f.close();
      got.push(await peerHas(bb));
      out.push(got);
    } finally {
      await closeAll(a, bb);
    }
  }
  return out;
});

scenario("recv/send family: arguments are converted (C ssize_t / int ranges) before the socket state, sendto's address resolved first", async () => {
  const t = socket.socket();
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  u.setblocking(false);
  const x = socket.socket();
  await x.close();
  const any = (v: unknown) => v as any;
  try {
    return await collect([
      () => t.recv(2 ** 63), () => t.recv(1, 2 ** 31), () => t.recv(-1, any("x")), () => x.recv(1, any("x")),
      () => t.recv_into(new Uint8Array(4), 2 ** 63), () => x.recv_into(new Uint8Array(4), 8, any("x")),
      () => t.recvmsg(1, 2 ** 31), () => t.recvmsg(-1, any(null)), () => x.recvmsg(1, 0, any("x")), () => x.recvmsg(1, -1),
      () => u.recvfrom(2 ** 63), () => x.recvfrom(-1, 2 ** 31), () => x.recvfrom_into(new Uint8Array(2), 2 ** 63),
      () => x.send(any(5)), () => x.send(b("x"), 2 ** 31), () => x.sendall(any(null)), () => x.sendall(b("x"), -(2 ** 31) - 1),
      () => x.sendto(any(5), ["127.0.0.1", 9]), () => x.sendto(b("x"), ["::1", 9]), () => t.sendto(b("x"), ["::1", 9]),
      () => x.sendto(b("x"), 2 ** 31, ["127.0.0.1", 9]),
    ]);
  } finally {
    await closeAll(t, u);
  }
});

scenario("flags the kernel judges before the connection state: MSG_OOB/MSG_ERRQUEUE on TCP recv, MSG_FASTOPEN on TCP send, UDPv6 MSG_OOB, unix MSG_OOB without data", async () => {
  const [l, port] = await listener();
  const c = await socket.create_connection(["127.0.0.1", port]);
  const [a] = await l.accept();
  const t = socket.socket();
  const u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  const u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const x = socket.socket(socket.AF_UNIX);
  try {
    const out: unknown[] = [];
    for (const s of [t, c, l]) {
      out.push(
        ...(await collect([
          () => s.recv(1, socket.MSG_OOB), () => s.recv(1, socket.MSG_ERRQUEUE), () => s.recv(1, -1),
          () => s.send(b("x"), -1), () => s.send(b(""), socket.MSG_FASTOPEN), () => s.sendall(b("x"), socket.MSG_FASTOPEN),
        ])),
      );
    }
    out.push(
      ...(await collect([
        () => u6.send(b("x"), socket.MSG_OOB), () => u4.send(b("x"), socket.MSG_OOB),
        () => x.send(b(""), -1), () => x.send(b(""), socket.MSG_OOB), () => x.send(b("x"), socket.MSG_OOB),
      ])),
    );
    return out;
  } finally {
    await closeAll(l, c, a, t, u6, u4, x);
  }
});

scenario("module functions convert C ints and strs as CPython: getaddrinfo IDN flags and numeric string ports (strtoul), NUL in netdb names, inet_pton/ntop/htons/CMSG_*/socket(fileno) ranges, getnameinfo ints, SO_REUSEPORT on AF_UNIX", async () => {
  const x = socket.socket(socket.AF_UNIX);
  const any = (v: unknown) => v as any;
  try {
    const g = (port: unknown, flags = 0) => socket.getaddrinfo("127.0.0.1", any(port), 0, socket.SOCK_STREAM, 0, flags);
    return await collect([
      () => g(80, 0x40), () => g(80, 0x80), () => g(80, 0x100), () => g(80, 0x200), () => g(80, 0x800),
      () => g("2147483728"), () => g("4294967295"), () => g("18446744073709551696"), () => g("-0"), () => g("-4294967295"),
      () => g("80\0junk"), () => g(" +81"), () => g("81 "), () => g("-1", socket.AI_NUMERICSERV),
      () => socket.getservbyname("http", "tcp\0"), () => socket.getservbyname("ht\0tp"), () => socket.getservbyport(80, "tcp\0"),
      () => socket.getprotobyname("tcp\0"), () => socket.getservbyport(100000, any(1.5)),
      () => socket.inet_pton(2 ** 31, "1.2.3.4"), () => socket.inet_ntop(2 ** 63, new Uint8Array([1, 2, 3, 4])), () => socket.inet_ntop(-(2 ** 31) - 1, new Uint8Array([1, 2, 3, 4])),
      () => socket.htons(-(2 ** 31) - 1), () => socket.ntohs(-(2 ** 63) - 4096), () => socket.htons(-1),
      () => socket.CMSG_LEN(2 ** 63), () => socket.CMSG_SPACE(2147483624), () => socket.CMSG_SPACE(2147483623), () => socket.CMSG_LEN(2147483632),
      () => socket.socket(2, 1, 0, 2 ** 31), () => socket.socket(2 ** 31, 1, 0, -1), () => socket.socket(2, 1, 2 ** 31, any("x")),
      () => socket.getnameinfo(["127.0.0.1", 2 ** 31 + 80], socket.NI_NUMERICSERV), () => socket.getnameinfo(["127.0.0.1", 80], 2 ** 64),
      () => socket.getnameinfo(["127.0.0.1", 80], 2 ** 31), () => socket.getnameinfo(["127.0.0.1", 2 ** 31, 0], 0),
      () => socket.getnameinfo(any(5), any("x")),
      () => x.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1), () => x.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 0),
      () => x.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT),
    ]);
  } finally {
    await closeAll(x);
  }
});

scenario("IPv6 scope literals in getaddrinfo/getnameinfo (a number is taken, a name is -2), non-blocking connect to port 0: EINPROGRESS, then refused via SO_ERROR or the next connect", async () => {
  const g = (h: string) => socket.getaddrinfo(h, 80, 0, socket.SOCK_STREAM);
  const out = await collect([
    () => g("::1%lo"), () => g("fe80::1%nosuch"), () => g("::1%1"), () => g("::1%"), () => g("::1%4294967296"),
    () => socket.getnameinfo(["::1%lo", 80], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
    () => socket.getnameinfo(["::1%7", 80], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
  ]);
  const a = socket.socket();
  const b = socket.socket();
  try {
    a.setblocking(false);
    b.setblocking(false);
    out.push(...(await collect([() => a.connect(["127.0.0.1", 0]), () => b.connect_ex(["127.0.0.1", 0])])));
    await sleep(50);
    out.push(
      ...(await collect([
        () => a.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), () => a.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
        () => b.connect_ex(["127.0.0.1", 0]),
      ])),
    );
    return out;
  } finally {
    await closeAll(a, b);
  }
});

scenario("getaddrinfo checks in CPython's then glibc's order: C long port, no host nor service, flags, canonname, family, AI_NUMERICSERV, type/protocol, service", async () => {
  const g = socket.getaddrinfo;
  return await collect([
    () => g(null, null, socket.AF_UNIX), () => g(null, null, 0, 0, 0, 0x800), () => g("127.0.0.1", 80, socket.AF_UNIX, 0, 0, 0x800),
    () => g("127.0.0.1", 80, 0, 4, 0, 0x800), () => g(null, 80, socket.AF_UNIX, 0, 0, socket.AI_CANONNAME),
    () => g("127.0.0.1", "ftp", 0, 4, 0, socket.AI_NUMERICSERV), () => g("127.0.0.1", "ftp", socket.AF_UNIX, 4, 0, socket.AI_NUMERICSERV),
    () => g("127.0.0.1", 2 ** 63, socket.AF_UNIX), () => g("127.0.0.1", -1, 0, socket.SOCK_DGRAM, 255),
    () => g("127.0.0.1", -1, 0, socket.SOCK_STREAM), () => g("127.0.0.1", 2 ** 32 + 80, 0, socket.SOCK_STREAM),
    () => g("127.0.0.1", "nosuchservice", 0, 4),
  ]);
});

scenario("address arguments as CPython's getsockaddrarg: host converted (NUL), port and flowinfo ints, host resolved, then the ranges, all before the socket state", async () => {
  const t4 = socket.socket();
  const t6 = socket.socket(socket.AF_INET6);
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const x = socket.socket();
  await x.close();
  const any = (v: unknown) => v as any;
  try {
    await u.bind(["127.0.0.1", 0]);
    return await collect([
      () => t4.bind(["::1", 65536]), () => t4.bind(["x\0", any("80")]), () => t4.bind(["127.0.0.1", 2 ** 31]),
      () => t4.bind(["127.0.0.1", -1]), () => t6.bind(["::1", -1, any("0")]), () => t6.connect(["<broadcast>", 1, 2 ** 20]),
      () => t6.bind(["::1", 0, 2 ** 20]), () => x.connect(["::1", 9]), () => x.bind(["127.0.0.1", 70000]),
      () => u.bind(["::1", 0]), () => u.bind(["x\0", 0]), () => u.connect(["127.0.0.1", 65536]),
      () => u.connect_ex(["::1", 9]),
    ]);
  } finally {
    await closeAll(t4, t6, u);
  }
});

scenario("udp: datagrams that arrived before shutdown(SHUT_RD) are still returned (blocking, non-blocking, timeout)", async () => {
  const a = await udp();
  const p = await udp();
  try {
    await a.connect(p.getsockname());
    await p.connect(a.getsockname());
    for (const m of ["one", "two", "three", "four"]) await p.send(b(m));
    await sleep(50);
    await a.shutdown(socket.SHUT_RD);
    const out = await collect([() => a.recv(10), async () => (await a.recvfrom(10))[0]]);
    a.setblocking(false);
    out.push(...(await collect([() => a.recv(10)])));
    a.settimeout(0.2);
    out.push(...(await collect([() => a.recv(10), () => a.recv(10)])));
    return out;
  } finally {
    await closeAll(a, p);
  }
});

scenario("MSG_ERRQUEUE reads the empty error queue (EAGAIN, with a timeout TimeoutError; the data stays); TCP MSG_TRUNC copies nothing into buffers; recvmsg keeps MSG_CMSG_CLOEXEC in msg_flags", async () => {
  const [c, s, l] = await pair();
  const u1 = await udp();
  const u2 = await udp();
  try {
    await u1.connect(u2.getsockname());
    await c.send(b("abcdefghijkl"));
    await u1.send(b("data"));
    await sleep(50);
    const out: unknown[] = await collect([() => s.recv(100, socket.MSG_ERRQUEUE), () => u2.recv(100, socket.MSG_ERRQUEUE)]);
    s.settimeout(0.2);
    u2.settimeout(0.2);
    out.push(...(await collect([() => s.recvmsg(100, 0, socket.MSG_ERRQUEUE), () => u2.recvfrom(100, socket.MSG_ERRQUEUE)])));
    const buf = b("....");
    out.push([await s.recv_into(buf, 3, socket.MSG_PEEK | socket.MSG_TRUNC), repr(buf)]);
    out.push([await s.recv_into(buf, 3, socket.MSG_TRUNC), repr(buf)]);
    out.push([(await s.recvfrom_into(buf, 2, socket.MSG_TRUNC))[0], repr(buf)]);
    const bufs = [b(".."), b("..")];
    out.push([(await s.recvmsg_into(bufs, 0, socket.MSG_TRUNC))[0], bufs.map((x) => repr(x))]);
    let [d, , fl] = await s.recvmsg(2, 0, socket.MSG_CMSG_CLOEXEC);
    out.push([repr(d), fl]);
    const [n, , fl2] = await s.recvmsg_into([new Uint8Array(2)], 0, socket.MSG_CMSG_CLOEXEC);
    out.push([n, fl2]);
    [d, , fl] = await u2.recvmsg(2, 0, socket.MSG_CMSG_CLOEXEC);
    out.push([repr(d), fl]);
    out.push(...(await collect([() => s.recv(100)])));
    return out;
  } finally {
    await closeAll(c, s, l, u1, u2);
  }
});

scenario("UDP flags: IPv4 refuses MSG_OOB after its 64 KiB check, IPv6 sends with it; MSG_PROBE (0x10) is checked and routed, nothing sent", async () => {
  const a6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  const b6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  const c4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const a4 = await udp();
  const b4 = await udp();
  try {
    await a6.bind(["::1", 0]);
    await b6.bind(["::1", 0]);
    b6.settimeout(0.2);
    b4.settimeout(0.2);
    await a4.connect(b4.getsockname());
    const out = await collect([() => a6.sendto(b("hi"), socket.MSG_OOB, b6.getsockname())]);
    await sleep(50);
    out.push(
      ...(await collect([
        () => b6.recv(10), () => a6.send(b("hi"), socket.MSG_OOB),
        () => c4.sendto(b("h".repeat(70000)), socket.MSG_OOB, ["127.0.0.1", 9]), () => c4.send(b("h".repeat(70000)), socket.MSG_OOB),
        () => c4.sendto(b("h".repeat(10)), socket.MSG_OOB, ["127.0.0.1", 9]),
        () => a4.send(b("hi"), 0x10), () => a4.sendto(b("h".repeat(65535)), 0x10, b4.getsockname()),
        () => a4.sendto(b("h".repeat(65536)), 0x10, b4.getsockname()), () => a6.sendto(b("h".repeat(70000)), 0x10, b6.getsockname()),
      ])),
    );
    await sleep(50);
    out.push(...(await collect([() => b4.recv(10), () => b6.recv(10)])));
    return out;
  } finally {
    await closeAll(a6, b6, c4, a4, b4);
  }
});

scenario("close after a makefile reader read one line: what its 8 KiB buffer did not pull in resets the peer", async () => {
  const [l, port] = await listener();
  try {
    const out: unknown[] = [];
    for (const n of [8186, 8187, 8192]) out.push(...(await lineThenClose(l, port, b("hello\n" + "r".repeat(n)))));
    return out;
  } finally {
    await l.close();
  }
});

scenario("bytes and a reset that arrive together: recv returns the bytes, then raises ConnectionResetError, then b''", async () => {
  const out: unknown[] = [];
  for (const how of ["SO_LINGER 0", "input unread"]) {
    const [c, s, l] = await pair();
    try {
      let reader = c;
      let closer = s;
      if (how === "SO_LINGER 0") {
        [reader, closer] = [s, c];
        closer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger(1, 0));
      } else {
        await reader.sendall("x".repeat(100));
        await sleep(100);
        out.push(...(await collect([() => closer.recv(10)]))); // 90 bytes stay unread: close resets
      }
      await closer.sendall("ok");
      await closer.close();
      await sleep(200);
      out.push(...(await collect([() => reader.recv(10), () => reader.recv(10), () => reader.recv(10)])));
    } finally {
      await closeAll(c, s, l);
    }
  }
  return out;
});

scenario("MSG_ERRQUEUE with a timeout on a socket closed meanwhile: EBADF once the timeout has run out", async () => {
  const u = await udp();
  u.settimeout(0.4);
  const closing = sleep(100).then(() => u.close());
  try {
    return await collect([() => u.recv(10, socket.MSG_ERRQUEUE)]);
  } finally {
    await closing;
    await u.close();
  }
});

scenario("sendmsg() checks flags, address, buffers and each ancillary item (level, type, bytes) in CPython's order, before the socket; sendto() with 4 arguments; sendfile()'s count", async () => {
  const u = await udp();
  const v = await udp();
  const [c, s, l] = await pair();
  try {
    const to = v.getsockname();
    const any = u as unknown as { sendmsg(...a: unknown[]): Promise<number>; sendto(...a: unknown[]): Promise<number> };
    const sf = s as unknown as { sendfile(...a: unknown[]): Promise<number> };
    const out = await collect([
      () => any.sendmsg([b("m")], [[0, 0]], 0, to), () => any.sendmsg([b("m")], [[0, 0, b("d"), 42]], 0, to),
      () => any.sendmsg([b("m")], [[0, 0, 1.5]], 0, to), () => any.sendmsg([b("m")], [["x", 0, b("d")]], 0, to),
      () => any.sendmsg([b("m")], [0, 0, b("")], 0, to), () => any.sendmsg([b("m")], [[2 ** 31, 0, b("")]], 0, to),
      () => any.sendmsg([b("m")], 5, 0, to), () => any.sendmsg([b("m")], null, 0, to),
      () => any.sendmsg([b("m")], [], 0, 5), () => any.sendmsg([b("m")], [[1, 1, b("")]], 0, 5),
      () => any.sendmsg([b("m")], [], 0, ["127.0.0.1", 70000]), () => any.sendmsg(5, [], 0, 5),
      () => any.sendmsg([b("m")], [], "x", 5),
      () => any.sendmsg([b("ab"), b("c")], [], 0, to), () => v.recv(10),
      () => any.sendto(b("foo"), 0, to, 4),
      () => sf.sendfile(b("abcdef"), 0, "2"), () => sf.sendfile(b("abcdef"), 0, 0.5),
      () => sf.sendfile(b("abcdef"), 0, 0), () => sf.sendfile(b("abcdef"), 0, -3),
      () => sf.sendfile(b("abcdef"), 0, 2), () => c.recv(10),
    ]);
    await u.close();
    out.push(...(await collect([() => any.sendmsg([b("m")], [[0, 0]], 0, to), () => any.sendmsg([b("m")], [[1, 1, b("")]], 0, to), () => any.sendmsg([b("m")], [], 0, to)])));
    return out;
  } finally {
    await closeAll(u, v, c, s, l);
  }
});

scenario("a lone surrogate in a service or protocol name is a UnicodeEncodeError; settimeout() and setblocking() take exactly one argument", async () => {
  const u = await udp();
  try {
    u.settimeout(5);
    const any = u as unknown as { settimeout(...a: unknown[]): void; setblocking(...a: unknown[]): void };
    return await collect([
      () => socket.getaddrinfo("127.0.0.1", "\ud800"), () => socket.getaddrinfo("127.0.0.1", "http\udfff"),
      () => socket.getservbyname("\ud800"), () => socket.getservbyname("http", "\ud800"),
      () => socket.getservbyport(80, "\ud800"), () => socket.getprotobyname("\ud800"),
      () => any.settimeout(), () => u.gettimeout() === 5, () => any.setblocking(), () => any.settimeout(1, 2),
    ]);
  } finally {
    await u.close();
  }
});

scenario("one socket with data that is also writable is reported readable and writable in one call: select (timeouts None and 0), poll, the three selectors (gh-110038); a second poll() while one waits; selector timeouts converted as each kind does", async () => {
  const out: unknown[] = [];
  const kinds = [socket.selectors.DefaultSelector, socket.selectors.PollSelector, socket.selectors.SelectSelector];
  for (const make of kinds) {
    const [x, y] = await socket.socketpair();
    await y.send(b("foo"));
    const sel = make();
    sel.register(x, socket.selectors.EVENT_READ | socket.selectors.EVENT_WRITE);
    out.push((await sel.select()).map(([, ev]) => ev));
    const any = sel as unknown as { select(t: unknown): Promise<unknown> };
    out.push(...(await collect([() => any.select("1"), () => any.select(NaN), () => any.select(1e10)])));
    sel.close();
    await closeAll(x, y);
  }
  const [a, c] = await socket.socketpair();
  try {
    for (const t of [null, 0]) {
      await c.send(b("bar"));
      const [r, w] = await socket.select([a], [a], [], t);
      out.push([r.length, w.length]);
      await a.recv(10);
    }
    await c.send(b("q"));
    const p = socket.poll();
    p.register(a, socket.POLLIN | socket.POLLOUT);
    out.push((await p.poll()).map(([, ev]) => ev));
    await a.recv(10);
    p.register(a, socket.POLLIN);
    const first = p.poll(300);
    await sleep(50);
    out.push(...(await collect([() => p.poll(0), () => p.register(a, 2 ** 64), () => p.register(a, 2 ** 40)])));
    await first;
    return out;
  } finally {
    await closeAll(a, c);
  }
});

/** Whether a listener still takes connections on port: "listening", or the connect's exception class. */
async function alive(port: number): Promise<string> {
  const c = socket.socket();
  c.settimeout(2);
  try {
    await c.connect(["127.0.0.1", port]);
    return "listening";
  } catch (e) {
    return (e as Error).name;
  } finally {
    await c.close();
  }
}

const onFd = (fd: number): socket.Socket => socket.socket(undefined, undefined, undefined, fd);
const host = (s: socket.Socket): string => (s.getsockname() as [string, number])[0];

scenario("socket(fileno=) on an open socket, then detach(): the listener or UDP port goes when the number is closed (by either object or socket.close(fd)), not before", async () => {
  const out: unknown[] = [];
  {
    const [l, port] = await listener();
    const l2 = onFd(l.fileno());
    out.push(...(await collect([() => l.detach() > 0, () => l2.close(), () => l2.fileno(), () => alive(port)])));
  }
  {
    const [l, port] = await listener();
    const l2 = onFd(l.fileno());
    out.push(...(await collect([() => l2.detach() > 0, () => host(l), () => l.close(), () => alive(port)])));
  }
  {
    const [l, port] = await listener();
    const fd = l.fileno();
    const l2 = onFd(fd);
    out.push(...(await collect([() => l.detach() === fd, () => l2.detach() === fd, () => alive(port)])));
    out.push(...(await collect([() => socket.close(fd), () => alive(port), () => socket.close(fd)])));
  }
  const u = await udp();
  const uport = (u.getsockname() as [string, number])[1];
  const u2 = onFd(u.fileno());
  u.detach();
  await u2.close();
  const v = await udp(false);
  try {
    out.push(...(await collect([() => v.bind(["127.0.0.1", uport])])));
  } finally {
    await v.close();
  }
  return out;
});

scenario("closing a number through another object on it (socket(fileno=n).close(), socket.close(n)) closes it for every object: EBADF on use and on close()", async () => {
  const out: unknown[] = [];
  let s = socket.socket();
  await s.bind(["127.0.0.1", 0]);
  await onFd(s.fileno()).close();
  out.push(
    ...(await collect([
      () => s.listen(), () => s.setblocking(false), () => s.fileno() > 0,
      () => [String(s).includes("[closed]"), String(s).includes("laddr")],
      () => s.close(), () => s.fileno(), () => s.close(),
    ])),
  );
  s = socket.socket();
  await s.bind(["127.0.0.1", 0]);
  out.push(...(await collect([() => socket.close(s.fileno()), () => s.getsockname(), () => s.close(), () => s.close()])));
  {
    const [l, port] = await listener();
    const l2 = onFd(l.fileno());
    out.push(...(await collect([() => socket.close(l.fileno()), () => alive(port), () => l.close(), () => l2.close()])));
  }
  const [l, port] = await listener();
  const l2 = onFd(l.fileno());
  const d = l.dup();
  await l.close();
  out.push(...(await collect([() => l2.getsockname(), () => alive(port), () => l2.detach() > 0, () => l2.close()])));
  out.push(...(await collect([() => d.close(), () => alive(port)])));
  return out;
});

scenario("socket(fileno=fd) twice on a number detach() left: two objects on it", async () => {
  const [l, port] = await listener();
  const fd = l.detach();
  const a = onFd(fd);
  const made: socket.Socket[] = [];
  return collect([
    () => void made.push(onFd(fd)),
    () => [made[0]!.fileno() === fd, host(made[0]!)],
    () => made[0]!.detach() === fd,
    () => host(a),
    () => alive(port),
    () => a.close(),
    () => alive(port),
  ]);
});

scenario("makefile write on a non-blocking socket: a send made at once (None, or BlockingIOError with characters_written); what it reports reaches the peer", async () => {
  const big = 16 << 20;
  const out: unknown[] = [];
  for (const [mode, buffering] of [["wb", 0], ["wb", -1], ["rwb", -1], ["w", -1]] as const) {
    const [c, s, l] = await pair();
    try {
      const f = s.makefile(mode, { buffering });
      const data = mode.includes("b") ? new Uint8Array(big).fill(0x78) : "x".repeat(big);
      s.setblocking(false);
      let taken = 0;
      const row: unknown[] = [mode, buffering];
      for (const fn of [() => f.write(data), () => f.write(data), () => f.write(data.slice(0, 10)), () => f.flush()]) {
        try {
          const r = (await fn()) ?? null;
          taken += r ?? 0;
          row.push(r === null ? null : r === big ? "all" : r <= 10 ? r : "some");
        } catch (e) {
          if (!(e instanceof socket.BlockingIOError)) throw e;
          const n = e.characters_written!;
          taken += n;
          row.push([e.name, e.message, e.args[2] === n, 0 < n && n < big ? "some" : n]);
        }
      }
      const reader = (async () => {
        let n = 0;
        for (let d = await c.recv(1 << 20); d.length; d = await c.recv(1 << 20)) n += d.length;
        return n;
      })();
      s.setblocking(true);
      await f.flush();
      await f.close();
      await s.shutdown(socket.SHUT_WR);
      row.push((await reader) - taken);
      out.push(row);
    } finally {
      await closeAll(c, s, l);
    }
  }
  return out;
});

scenario("makefile files closed and open: readable(), writable(), seekable(), fileno(), name, mode, encoding, seek(), readline(0) and the closed checks of each kind (SocketIO, BufferedReader/Writer/RWPair, TextIOWrapper)", async () => {
  const [c, s, l] = await pair();
  const out: unknown[] = [];
  try {
    for (const [mode, buffering] of [["rb", 0], ["rb", -1], ["wb", 0], ["wb", -1], ["rwb", 0], ["rwb", -1], ["r", -1], ["w", -1], ["rw", -1]] as const) {
      const f = s.makefile(mode, { buffering });
      const data = mode.includes("b") ? b("x") : "x";
      out.push([mode, buffering, ...(await collect([() => f.mode, () => f.name === s.fileno(), () => f.fileno() === s.fileno(), () => f.seek(0), () => f.encoding]))]);
      await f.close();
      out.push(
        await collect([
          () => f.readable(), () => f.writable(), () => f.seekable(), () => f.fileno(), () => f.name, () => f.flush(), () => f.read(1), () => f.readline(), () => f.readline(0),
          () => f.write(data), () => f.write(1 as never), () => f.tell(), () => f.seek(0),
        ]),
      );
    }
    return out;
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("makefile('wb') to a peer that reset: the error a write hit comes first; a write larger than the buffer is dropped with it, buffered bytes stay (flush()/close() raise again)", async () => {
  const out: unknown[] = [];
  for (const size of [65536, 1000]) {
    const [c, s, l] = await pair();
    try {
      s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger(1, 0));
      await s.close();
      await sleep(100);
      const f = c.makefile("wb");
      let first: unknown = null;
      try {
        for (let i = 0; i < 50; i++) f.write(new Uint8Array(size).fill(119));
        await f.flush();
      } catch (e) {
        first = [(e as Error).name, String(e).replace(/^\w+: /, "")];
      }
      out.push(first);
      out.push(...(await collect([() => f.flush(), () => f.close(), () => f.closed])));
    } finally {
      await closeAll(c, s, l);
    }
  }
  return out;
});

scenario("two makefile() writers on one socket: the peer gets their bytes in the order they were written", async () => {
  const [c, s, l] = await pair();
  try {
    const f = s.makefile("wb", 7);
    const g = s.makefile("wb", 0);
    f.write(new Uint8Array(7).fill(65));
    f.write(new Uint8Array(3204).fill(87));
    g.write(b("X"));
    f.write(new Uint8Array(9000).fill(66));
    g.write(b("Y"));
    await f.flush();
    await f.close();
    await g.close();
    await sleep(100);
    c.settimeout(0.2);
    const parts: Uint8Array[] = [];
    let n = 0;
    try {
      while (n < 12213) {
        const d = await c.recv(65536);
        parts.push(d);
        n += d.length;
      }
    } catch (e) {
      if (!(e instanceof socket.timeout)) throw e;
    }
    const got = new TextDecoder().decode(new Uint8Array(parts.flatMap((p) => [...p])));
    return [n, got.slice(0, 8), got.slice(3210, 3213), got.slice(-2)];
  } finally {
    await closeAll(c, s, l);
  }
});

scenario("socket.close(fd) of a socket with a makefile() open: its close() returns, the file's close() raises EBADF (the file held the object open)", async () => {
  const out: unknown[] = [];
  for (const withFile of [false, true]) {
    const [a, c] = await socket.socketpair();
    try {
      const f = withFile ? a.makefile("rb") : null;
      out.push(...(await collect([() => socket.close(a.fileno()), () => a.recv(1), () => a.close()])));
      if (f) out.push(...(await collect([() => f.close()])));
      out.push(...(await collect([() => a.close()])));
    } finally {
      await closeAll(c);
    }
  }
  return out;
});

scenario("makefile('rb').read() to EOF that times out after bytes arrived, then close: the peer reads EOF (the reader had pulled them), not a reset", async () => {
  const out: unknown[] = [];
  const [l, port] = await listener();
  try {
    for (const [n, first] of [[100, false], [20000, false], [20000, true]] as const) {
      const c = await socket.create_connection(["127.0.0.1", port]);
      const [a] = await l.accept();
      try {
        a.settimeout(0.2);
        await c.sendall(new Uint8Array([...b("line\n"), ...new Uint8Array(n).fill(120)]));
        await sleep(50);
        const f = a.makefile("rb");
        if (first) out.push(...(await collect([() => f.readline()])));
        out.push(...(await collect([() => f.read()])));
        await f.close();
        await a.close();
        await sleep(50);
        c.settimeout(0.3);
        out.push(...(await collect([() => c.recv(10)])));
      } finally {
        await closeAll(c, a);
      }
    }
  } finally {
    await l.close();
  }
  return out;
});

scenario("a refused connect (with a timeout, or non-blocking and SO_ERROR), then connect() again: ECONNABORTED, after which the socket is unconnected (recv ENOTCONN, poll POLLOUT|POLLHUP)", async () => {
  const out: unknown[] = [];
  const port = await deadPort();
  for (const mode of ["timeout", "non-blocking"]) {
    const c = socket.socket();
    try {
      if (mode === "timeout") {
        c.settimeout(0.5);
        out.push(...(await collect([() => c.connect(["127.0.0.1", port])])));
      } else {
        c.setblocking(false);
        out.push(await c.connect_ex(["127.0.0.1", port]));
        await sleep(50);
        out.push(c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR));
      }
      out.push(...(await collect([() => c.recv(1), () => c.connect(["127.0.0.1", port]), () => c.recv(1), () => c.recv(1, socket.MSG_PEEK)])));
      out.push(await pollEvents(c));
    } finally {
      await c.close();
    }
  }
  return out;
});

scenario("makefile() files of a socket that no longer holds its descriptor (detach(), close(), socket.close(fd)): reads and unbuffered writes raise EBADF; the bytes stay for the new owner", async () => {
  const out: unknown[] = [];
  const [c, s, l] = await pair();
  try {
    await c.sendall(b("line\n"));
    await sleep(50);
    s.settimeout(0.5);
    const g = s.makefile("rb");
    const fd = s.detach();
    for (const [mode, buf] of [["rb", 0], ["rwb", 0], ["rb", -1], ["wb", 0]] as const) {
      const f = s.makefile(mode, buf);
      out.push(...(await collect([() => (mode.includes("r") ? f.readline() : f.write(b("x")))])));
    }
    out.push(...(await collect([() => g.readline()])));
    const owner = socket.socket(undefined, undefined, undefined, fd);
    owner.settimeout(0.5);
    c.settimeout(0.2);
    out.push(...(await collect([() => owner.recv(10), () => c.recv(10)])));
    await owner.close();
    const [a, a2] = await socket.socketpair();
    const f = a.makefile("rb");
    await socket.close(a.fileno());
    out.push(...(await collect([() => f.readline(), () => f.close()])));
    await closeAll(a, a2);
    const [d, e] = await socket.socketpair();
    await d.close();
    const h = d.makefile("wb", 0);
    out.push(...(await collect([() => h.write(b("x")), () => h.close()])));
    await closeAll(e);
  } finally {
    await closeAll(c, s, l);
  }
  return out;
});

scenario("shutdown(SHUT_RD) while the peer is still sending: recv returns bytes that had arrived, then b'', not the rest of the stream", async () => {
  const [c, s, l] = await pair();
  const data = new Uint8Array(8 * 1024 * 1024).map((_, i) => i & 255); // far more than the socket buffers hold
  const sending = collect([() => c.sendall(data)]);
  try {
    await sleep(300);
    const first = await s.recv(1000);
    const parts: Uint8Array[] = [first];
    let n = first.length;
    await s.shutdown(socket.SHUT_RD);
    for (let i = 0; i < 10000; i++) {
      const d = await s.recv(65536);
      if (!d.length) break;
      parts.push(d);
      n += d.length;
    }
    let prefix = true;
    let off = 0;
    for (const p of parts) {
      for (let k = 0; k < p.length && prefix; k++) if (p[k] !== data[off + k]) prefix = false;
      off += p.length;
    }
    return [n >= 1000, n < data.length, prefix, repr(await s.recv(10))];
  } finally {
    await s.close(); // unread input: a reset, which ends the sender's sendall
    await sending;
    await closeAll(c, l);
  }
});

scenario("UDP: an IPv6 socket sending to an IPv4-mapped address is held to IPv4's 65,507 bytes (a reply to recvfrom's address, a tuple, a connected peer)", async () => {
  const sd = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  const c4 = await udp();
  try {
    await sd.bind(["::", 0]);
    sd.settimeout(2);
    c4.settimeout(2);
    await c4.sendto(b("v4"), ["127.0.0.1", sd.getsockname()[1] as number]);
    const [, am] = await sd.recvfrom(100);
    const tup: [string, number] = ["::ffff:127.0.0.1", c4.getsockname()[1] as number];
    const out: unknown[] = [(am as [string, number])[0]];
    out.push(
      ...(await collect([
        () => sd.sendto(new Uint8Array(65508), am),
        () => sd.sendto(new Uint8Array(65507), am),
        () => sd.sendto(b("x".repeat(100)), am),
        async () => (await c4.recv(70000)).length,
        async () => (await c4.recv(70000)).length,
        () => sd.sendto(new Uint8Array(65527), tup),
        () => sd.sendto(b("y"), tup),
        () => c4.recv(10),
      ])),
    );
    await sd.connect(tup);
    out.push(...(await collect([() => sd.send(new Uint8Array(65508)), () => sd.send(b("z")), () => c4.recv(10)])));
    return out;
  } finally {
    await closeAll(sd, c4);
  }
});

// ---------------------------------------------------------------- runner

scenario("host names: idna label checks of getaddrinfo/gethostbyname/create_connection (UnicodeError), names longer than 255 characters (gaierror -2, also from connect and connect_ex)", async () => {
  const out: unknown[] = [];
  const longLabels = ("a".repeat(60) + ".").repeat(5);
  for (const h of ["x".repeat(64), "x".repeat(256), longLabels, "a..b", ".", ".localhost", "x".repeat(63) + ".y"]) {
    const s = socket.socket();
    try {
      out.push([
        h.length,
        ...(await collect([
          () => s.connect([h, 80]),
          () => s.connect_ex([h, 80]),
          () => socket.getaddrinfo(h, 80),
          () => socket.gethostbyname(h),
          () => socket.create_connection([h, 80]),
        ])),
      ]);
    } finally {
      s.close();
    }
  }
  return out;
});

scenario("shutdown(SHUT_RD) right after the peer's sendall on a socketpair: recv, recv(MSG_PEEK), recv_into, recvfrom and recvmsg still return the bytes, then b''", async () => {
  const out: unknown[] = [];
  for (const how of ["recv", "peek", "recv_into", "recvfrom", "recvmsg"]) {
    const [a, peer] = await socket.socketpair();
    try {
      await peer.sendall(b("hello"));
      a.shutdown(socket.SHUT_RD);
      let r: Uint8Array;
      if (how === "recv") r = await a.recv(100);
      else if (how === "peek") r = await a.recv(100, socket.MSG_PEEK);
      else if (how === "recv_into") {
        const buf = new Uint8Array(100);
        r = buf.slice(0, await a.recv_into(buf));
      } else if (how === "recvfrom") r = (await a.recvfrom(100))[0];
      else r = (await a.recvmsg(100))[0];
      out.push([how, repr(r), repr(await a.recv(100)), repr(await a.recv(100))]);
    } finally {
      a.close();
      peer.close();
    }
  }
  return out;
});

scenario("poll/epoll report POLLWRBAND for UDP and AF_UNIX sockets (not TCP); selectors take bool events and say 'Invalid events: None'; select/epoll timeouts out of range; a unix connect with a timeout: EISCONN next; a closed PollSelector/SelectSelector returns [] for a socket registered at close", async () => {
  const out: unknown[] = [];
  const [l, port] = await listener();
  const c = await socket.create_connection(["127.0.0.1", port]);
  const [s] = await l.accept();
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const [a, peer] = await socket.socketpair();
  const S = socket.selectors;
  const evRepr = (v: unknown): string => (v === true ? "True" : v === false ? "False" : String(v));
  try {
    for (const x of [c, u, a]) {
      const p = socket.poll();
      p.register(x, 0xffff);
      const e = socket.epoll();
      e.register(x, socket.EPOLLIN | socket.EPOLLOUT | socket.EPOLLWRBAND | socket.EPOLLWRNORM | socket.EPOLLRDNORM);
      out.push([...(await p.poll(0)).map(([, m]) => m), ...(await e.poll(0)).map(([, m]) => m)]);
      e.close();
    }
    out.push([socket.POLLRDBAND, socket.POLLWRBAND, socket.POLLMSG]);
    const sel = S.DefaultSelector();
    for (const ev of [null, 0, false, "", 1.5, "x", true]) {
      try {
        const k = sel.register(a, ev as never);
        out.push(["registered", evRepr(k.events), String(k).replace(String(a), "A").replace(`fd=${a.fileno()},`, "fd=N,")]);
        out.push(["modify", evRepr(sel.modify(a, true as never).events), evRepr(sel.modify(a, 2).events)]);
        sel.unregister(a);
      } catch (e) {
        out.push([(e as Error).name, (e as Error).message]);
      }
    }
    sel.close();
    const ep = socket.epoll();
    out.push(
      ...(await collect([
        () => socket.select([], [], [], -Infinity),
        () => socket.select([], [], [], -1e10),
        () => socket.select([], [], [], -1),
        () => ep.poll(-2147483.649),
        () => ep.poll(-Infinity),
      ])),
    );
    ep.close();
    const path = `/tmp/polysock-parity-${process.pid}.sock`;
    const ul = socket.socket(socket.AF_UNIX);
    await ul.bind(path);
    await ul.listen();
    const uc = socket.socket(socket.AF_UNIX);
    uc.settimeout(0.5);
    try {
      out.push([await uc.connect_ex(path), await uc.connect_ex(path)]);
    } finally {
      uc.close();
      await ul.close();
      fs.rmSync(path, { force: true });
    }
    for (const cls of [S.PollSelector, S.SelectSelector]) {
      const sl = cls();
      sl.register(a, S.EVENT_WRITE);
      sl.close();
      const t0 = Date.now();
      out.push([await sl.select(2), Date.now() - t0 < 1000]);
    }
  } finally {
    await closeAll(c, s, l, u, a, peer);
  }
  return out;
});

scenario("makefile: truncate() raises UnsupportedOperation, or ValueError once a text or buffered file is closed; mode and buffering arguments checked as CPython's", async () => {
  const out: unknown[] = [];
  const [a, peer] = await socket.socketpair();
  try {
    for (const m of ["r", "rb", "w", "wb", "rwb", "rb0", "wb0"]) {
      const f = m.endsWith("0") ? a.makefile(m.slice(0, -1), 0) : a.makefile(m);
      for (const st of ["open", "closed"]) {
        if (st === "closed") await f.close();
        try {
          f.truncate();
          out.push([m, st, "ok"]);
        } catch (e) {
          out.push([m, st, (e as Error).name, (e as Error).message]);
        }
      }
    }
    for (const args of [[null], [5], ["rb", true], ["rb", "x"], ["rb", 1.5], ["rb", null], ["xr"]]) {
      try {
        const f = (a.makefile as (...x: unknown[]) => unknown)(...args);
        out.push(String(f).split(" name=")[0]);
      } catch (e) {
        out.push([(e as Error).name, (e as Error).message]);
      }
    }
  } finally {
    a.close();
    peer.close();
  }
  return out;
});

scenario("select() refuses descriptors from FD_SETSIZE (ValueError) and beyond a C int (OverflowError); poll too for the latter", async () => {
  const out: unknown[] = [];
  for (const fd of [1024, 99999, 2 ** 31, 2 ** 63, -1]) out.push(...(await collect([() => socket.select([fd], [], [], 0), () => socket.poll().register(fd)])));
  return out;
});

scenario("makefile text errors='ignore': read(n) and readline(limit) read on past dropped bytes and return '' only at EOF; utf-8-sig drops a byte order mark that EOF cut", async () => {
  const out: unknown[] = [];
  const cases: [string, number[], string, number][] = [
    ["utf-8", [0x61, 0x62, 0xff, 0x63, 0x64], "read", 1],
    ["utf-8", [0xff, 0x61], "read", 1],
    ["utf-8", [0x61, 0xff, 0x62], "readline", 1],
    ["ascii", [0x61, 0x80, 0xff, 0x81, 0x62], "read", 2],
    ["utf-8", [0x61, 0xff, 0xfe, 0xfd, 0x62, 0x63, 0x0a, 0xff, 0x64, 0x0a], "readline", 2],
    ["utf-8", [0xff, 0xff, 0xff], "read", 1],
  ];
  for (const [encoding, data, how, n] of cases) {
    const [a, peer] = await socket.socketpair();
    try {
      await peer.sendall(Uint8Array.from(data));
      peer.shutdown(socket.SHUT_WR);
      const f = a.makefile("r", { encoding, errors: "ignore" });
      const got: unknown[] = [];
      for (let i = 0; i < 6; i++) got.push(how === "read" ? await f.read(n) : await f.readline(n));
      out.push(got);
      await f.close();
    } finally {
      a.close();
      peer.close();
    }
  }
  for (const data of [[0xef, 0xbb], [0xef], [0xef, 0x41], [0xef, 0xbb, 0xbf, 0x41]]) {
    const [a, peer] = await socket.socketpair();
    try {
      await peer.sendall(Uint8Array.from(data));
      peer.shutdown(socket.SHUT_WR);
      const f = a.makefile("r", { encoding: "utf-8-sig", errors: "replace" });
      out.push(await f.read());
      await f.close(); // (CPython's refcounting drops the file at once: its descriptor goes with the socket)
    } finally {
      a.close();
      peer.close();
    }
  }
  return out;
});

scenario("the peer closed in this program: sends right away (no wait between) succeed once over TCP, then raise BrokenPipeError; over a socketpair every send raises", async () => {
  const out: unknown[] = [];
  const [c, s, l] = await pair();
  try {
    await s.close();
    out.push(await collect([0, 1, 2].map(() => () => c.send("x"))));
  } finally {
    await closeAll(c, s, l);
  }
  const [a, b] = await socket.socketpair();
  try {
    await b.close();
    out.push(await collect([0, 1, 2].map(() => () => a.send("x"))));
  } finally {
    await a.close();
  }
  return out;
});

scenario("selectors: an EpollSelector holds a descriptor (sockets made after it number past it) and fileno() gives it; ValueError once closed; a PollSelector has no fileno", async () => {
  let c = socket.socket();
  const n = c.fileno(); // the lowest free number
  await c.close();
  const sel = socket.selectors.DefaultSelector();
  const b = socket.socket();
  try {
    const out: unknown[] = [sel.fileno() === n, b.fileno() !== n];
    sel.close();
    const p = socket.selectors.PollSelector();
    out.push(...(await collect([() => sel.fileno(), () => p.fileno()])));
    p.close();
    c = socket.socket();
    out.push(c.fileno() === n);
    await c.close();
    return out;
  } finally {
    await b.close();
  }
});

scenario("IPV6_V6ONLY: connect, connect_ex, UDP connect and sendto to an IPv4-mapped address are ENETUNREACH, bind EINVAL; socketpair(None) is AF_UNIX", async () => {
  const [l, port] = await listener();
  const socks: socket.Socket[] = [];
  const v6 = (kind: number): socket.Socket => {
    const s = socket.socket(socket.AF_INET6, kind);
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1);
    socks.push(s);
    return s;
  };
  try {
    const out = await collect([
      () => v6(socket.SOCK_STREAM).connect(["::ffff:127.0.0.1", port]),
      () => v6(socket.SOCK_STREAM).connect_ex(["::ffff:127.0.0.1", port]),
      () => v6(socket.SOCK_DGRAM).sendto("x", ["::ffff:127.0.0.1", 9]),
      () => v6(socket.SOCK_DGRAM).connect(["::ffff:127.0.0.1", 9]),
      () => v6(socket.SOCK_STREAM).bind(["::ffff:127.0.0.1", 0]),
    ]);
    const [a, b] = await socket.socketpair(null);
    out.push([a.family, b.type]);
    await a.close();
    await b.close();
    return out;
  } finally {
    await closeAll(l, ...socks);
  }
});

scenario("host names with a NUL: gethostbyname/_ex/gethostbyaddr/getfqdn TypeError, getnameinfo ValueError, getaddrinfo reads up to it; inet_aton ends at ASCII whitespace only; htonl and getaddrinfo take big ints", async () =>
  collect([
    () => socket.gethostbyname("localhost\x00"),
    () => socket.gethostbyname_ex(new TextEncoder().encode("localhost\x00")),
    () => socket.gethostbyaddr("127.0.0.1\x00"),
    () => socket.getfqdn("localhost\x00"),
    () => socket.getnameinfo(["127.0.0.1\x00", "x"], 0),
    async () => (await socket.getaddrinfo("127.0.0.1\x00x", 80, socket.AF_INET, socket.SOCK_STREAM))[0]![4],
    () => socket.inet_aton("1.2.3.4 junk"),
    () => socket.inet_aton("1.2.3.4\xa0"),
    () => socket.inet_aton("1.2.3.4\u2028"),
    () => socket.htonl(1n as unknown as number),
    () => socket.ntohl((2n ** 32n) as unknown as number),
    async () => (await socket.getaddrinfo("127.0.0.1", 80n as unknown as number, socket.AF_INET, socket.SOCK_STREAM))[0]![4],
  ]),
);

scenario("sendmsg/recvmsg_into of more than 1024 buffers: EMSGSIZE, nothing sent or read; create_server: an error with no errno says None, family=None is a TypeError", async () => {
  const [a, b] = await socket.socketpair();
  try {
    return await collect([
      () => a.sendmsg(Array(1025).fill(new TextEncoder().encode("x"))),
      () => a.sendmsg(Array(1024).fill(new TextEncoder().encode("y"))),
      () => b.recvmsg_into(Array.from({ length: 1025 }, () => new Uint8Array(1))),
      () => b.recv(2000),
      () => socket.create_server("/tmp/" + "x".repeat(120), { family: socket.AF_UNIX }),
      () => socket.create_server(["127.0.0.1", 0], { family: null as unknown as number }),
    ]);
  } finally {
    await a.close();
    await b.close();
  }
});

scenario("setsockopt's checks in Linux's order: socket-level bytes shorter than an int EINVAL, a NULL value after the level and option checks, an optlen that is no int; IPv6 getsockopt of an unknown level ENOPROTOOPT", async () => {
  const t = socket.socket();
  const t6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const x = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
  try {
    return await collect([
      () => t.setsockopt(socket.SOL_SOCKET, socket.SO_TYPE, bytes(1)),
      () => t.setsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 1),
      () => t.setsockopt(socket.SOL_SOCKET, 9999, bytes(1, 0)),
      () => t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, bytes(1)),
      () => x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, null, 4),
      () => u.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, null, 4),
      () => t.setsockopt(socket.IPPROTO_IP, 9999, null, 4),
      () => t.setsockopt(999, 1, null, 4),
      () => t.setsockopt(socket.IPPROTO_TCP, 9999, null, 4),
      () => t.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, null, 4),
      () => t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, null, "x" as never),
      () => t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, null, 2.5),
      () => t6.getsockopt(999, 1),
      () => t6.setsockopt(999, 1, 1),
      () => t.getsockopt(999, 1),
      () => t.setsockopt(999, 1, 1),
      () => x.getsockopt(999, 1),
      () => u.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, null, 0),
      () => u.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, null, 100),
      () => t6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, null, 0),
      () => t6.setsockopt(socket.IPPROTO_IPV6, 9999, null, 0),
    ]);
  } finally {
    await closeAll(t, t6, u, x);
  }
});

scenario("epoll: a maxevents smaller than the ready sockets serves each in turn (Linux's ready list); a failed non-blocking connect is RDHUP too; epoll_ctl of the epoll object itself is EINVAL", async () => {
  const [l, port] = await listener();
  const ep = socket.epoll();
  const socks: socket.Socket[] = [];
  try {
    const names = new Map<number, string>();
    for (let i = 0; i < 3; i++) {
      const c = await socket.create_connection(["127.0.0.1", port]);
      const [a] = await l.accept();
      socks.push(c, a);
      await a.sendall(b("x"));
      ep.register(c.fileno(), socket.EPOLLIN);
      names.set(c.fileno(), "abc"[i]!);
    }
    await sleep(100);
    const one: string[] = [];
    for (let i = 0; i < 6; i++) for (const [fd] of await ep.poll(0, 1)) one.push(names.get(fd)!);
    const out: unknown[] = [one];
    const twos: string[][] = [];
    for (let i = 0; i < 3; i++) twos.push((await ep.poll(0, 2)).map(([fd]) => names.get(fd)!));
    out.push(twos);
    out.push((await ep.poll(0)).map(([fd]) => names.get(fd)!).sort());
    out.push(
      await collect([
        () => ep.register(ep.fileno(), socket.EPOLLIN),
        () => ep.modify(ep.fileno(), socket.EPOLLIN),
        () => ep.unregister(ep.fileno()),
      ]),
    );
    const f = socket.socket();
    socks.push(f);
    f.setblocking(false);
    out.push(await f.connect_ex(["127.0.0.1", await deadPort()]));
    await sleep(100);
    const p = socket.poll();
    p.register(f, socket.POLLIN | socket.POLLOUT | socket.POLLRDHUP);
    out.push((await p.poll(1000)).map(([, m]) => m));
    const ep2 = socket.epoll();
    ep2.register(f.fileno(), socket.EPOLLIN | socket.EPOLLRDHUP);
    out.push((await ep2.poll(1)).map(([, m]) => m));
    ep2.close();
    out.push(f.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR));
    out.push((await p.poll(1000)).map(([, m]) => m));
    return out;
  } finally {
    ep.close();
    await closeAll(l, ...socks);
  }
});

scenario("makefile: sizes beyond 64 bits OverflowError, the TextIOWrapper arguments' types, ascii's alias 646, errors on a binary file AttributeError, newlines of a CRLF split between two reads (newline='')", async () => {
  const [x, y] = await socket.socketpair();
  try {
    await x.sendall(b("ab\r\ncd\r\n"));
    const fb = y.makefile("rb");
    const ft = y.makefile("r");
    const fu = y.makefile("rb", { buffering: 0 });
    const out = await collect([
      () => fb.readline(2 ** 63),
      () => fb.read(-(2 ** 63) - 4096),
      () => fb.readlines(2 ** 64),
      () => ft.readline(2 ** 63),
      () => ft.read(2 ** 63),
      () => fu.read(2 ** 63),
      () => y.makefile("r", { encoding: 5 as never }),
      () => y.makefile("r", { newline: 5 as never }),
      () => y.makefile("r", { errors: b("strict") as never }),
      () => y.makefile("r", { newline: b("\n") as never }),
      () => y.makefile("r", { encoding: "646" }).encoding,
      () => y.makefile("rb", { encoding: 5 as never }).mode,
      () => ft.errors,
      () => fb.errors,
    ]);
    const fn = y.makefile("r", { newline: "" });
    out.push([await fn.read(3), await fn.read(1), fn.newlines, await fn.readline(), fn.newlines]);
    return out;
  } finally {
    await closeAll(x, y);
  }
});

scenario("send_fds with no descriptors sends the buffers; recv_fds returns (data, [], flags, address); a negative maxfds is CMSG_LEN's OverflowError; a descriptor that is no int is a TypeError", async () => {
  const [x, y] = await socket.socketpair();
  try {
    return await collect([
      () => socket.send_fds(x, [b("hi"), b("!")], []),
      async () => {
        const [m, fds, flags, addr] = await socket.recv_fds(y, 10, 2);
        return [repr(m), fds, flags, addr];
      },
      () => socket.recv_fds(y, 10, -1),
      () => socket.send_fds(x, [b("x")], ["a" as never]),
    ]);
  } finally {
    await closeAll(x, y);
  }
});

scenario("UDP shut down both ways is POLLHUP, connected or not; an IPv6 socket bound to an IPv4-mapped address reaches IPv4 peers only (EAFNOSUPPORT)", async () => {
  const a = await udp();
  const h = await udp();
  const u = await udp();
  const m = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  const t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
  try {
    await h.connect(a.getsockname());
    const port = (a.getsockname() as unknown as [string, number])[1];
    return await collect([
      () => h.shutdown(socket.SHUT_RDWR),
      () => u.shutdown(socket.SHUT_RDWR),
      () => pollEvents(h, socket.POLLIN | socket.POLLOUT),
      () => pollEvents(u, socket.POLLIN | socket.POLLOUT | socket.POLLRDHUP),
      () => m.bind(["::ffff:127.0.0.1", 0]),
      () => m.sendto(b("x"), ["::1", 9]),
      () => m.sendto(b("x"), ["::ffff:127.0.0.1", port]),
      () => m.connect(["::1", 9]),
      () => t.bind(["::ffff:127.0.0.1", 0]),
      () => t.connect(["::1", 9]),
    ]);
  } finally {
    await closeAll(a, h, u, m, t);
  }
});

scenario("connections waiting in the backlog take no descriptor number until accept(); a selector's get_map() finds a socket or its file registered by number", async () => {
  const [l, port] = await listener();
  const cs: socket.Socket[] = [];
  const sel = new socket.selectors.DefaultSelector();
  try {
    for (let i = 0; i < 3; i++) cs.push(await socket.create_connection(["127.0.0.1", port]));
    const probe = socket.socket();
    const n = probe.fileno(); // the lowest number free now (the program's other numbers vary)
    await probe.close();
    const [a] = await l.accept();
    cs.push(a);
    const out: unknown[] = [a.fileno() === n];
    sel.register(cs[0]!.fileno(), socket.selectors.EVENT_READ, "byfd");
    const m = sel.get_map()!;
    const f = cs[0]!.makefile("rb");
    out.push([m.has(cs[0]!), m.get(cs[0]!)!.data, m.has(f), m.get(f)!.data, m.has(cs[1]!)]);
    await f.close();
    return out;
  } finally {
    sel.close();
    await closeAll(l, ...cs);
  }
});

scenario("interface names and indexes", async () => {
  const out: unknown[] = [];
  const lst = socket.if_nameindex();
  out.push(lst);
  for (const [i, n] of lst) out.push([socket.if_nametoindex(n), socket.if_nametoindex(new TextEncoder().encode(n)), socket.if_indextoname(i)]);
  const calls: (() => unknown)[] = [
    () => socket.if_nametoindex("no-such-if"),
    () => socket.if_nametoindex(""),
    () => socket.if_nametoindex("lo\0"),
    () => socket.if_nametoindex(any(1)),
    () => (socket.if_nametoindex as (...a: unknown[]) => number)(),
    () => socket.if_indextoname(0),
    () => socket.if_indextoname(999999),
    () => socket.if_indextoname(2 ** 32 + 1),
    () => socket.if_indextoname(-1),
    () => socket.if_indextoname(2n ** 64n),
    () => socket.if_indextoname(1.5),
    () => socket.if_indextoname(any("1")),
    () => socket.if_indextoname(any(true)),
    () => (socket.if_nameindex as (...a: unknown[]) => unknown)(1),
    async () => (await socket.getaddrinfo("fe80::1%lo", 80, socket.AF_INET6, socket.SOCK_STREAM))[0]![4],
    async () => (await socket.getaddrinfo("ff02::1%lo", 80, socket.AF_INET6, socket.SOCK_DGRAM))[0]![4],
    () => socket.getaddrinfo("fe80::1%no-such-if", 80, socket.AF_INET6, socket.SOCK_STREAM),
    () => socket.getaddrinfo("::1%lo", 80, socket.AF_INET6, socket.SOCK_STREAM),
    async () => (await socket.getaddrinfo("fe80::1%1", 80, socket.AF_INET6, socket.SOCK_STREAM))[0]![4],
    () => socket.getnameinfo(["fe80::1%lo", 80], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
  ];
  for (const f of calls) {
    try {
      out.push(await f());
    } catch (e) {
      out.push([(e as Error).name, (e as { errno?: unknown }).errno ?? null, (e as Error).message]);
    }
  }
  // bind() of scoped literals: the address counts, the tuple's scope_id is what is used.
  const binds: [number, number, string][] = [
    [socket.AF_INET6, socket.SOCK_STREAM, "::1%1"],
    [socket.AF_INET6, socket.SOCK_DGRAM, "::1%4294967295"],
    [socket.AF_INET, socket.SOCK_STREAM, "::ffff:127.0.0.1%1"],
    [socket.AF_INET, socket.SOCK_DGRAM, "::1%1"],
    [socket.AF_INET6, socket.SOCK_DGRAM, "::1%lo"],
    [socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1%1"],
  ];
  for (const [fam, typ, host] of binds) {
    const s = socket.socket(fam, typ);
    try {
      await s.bind([host, 0]);
      const name = s.getsockname() as unknown[];
      out.push([host, name[0], name.length]);
    } catch (e) {
      out.push([host, (e as Error).name, (e as { errno?: unknown }).errno ?? null, (e as Error).message]);
    } finally {
      await s.close();
    }
  }
  return out;
});

scenario("after a refused connect (port 0, a closed port; polled or blocking): recv, listen, connect again; a closed listener's recv with a timeout; rebinding to a foreign address", async () => {
  const out: unknown[] = [];
  const p = socket.socket();
  await p.bind(["127.0.0.1", 0]);
  const closedPort = (p.getsockname() as [string, number])[1];
  await p.close();
  const err = (e: unknown): unknown[] => [(e as Error).name, (e as socket.OSError).errno];
  for (const port of [0, closedPort]) {
    for (const to of [null, 0.2]) {
      for (const call of ["recv", "listen", "connect"]) {
        const c = socket.socket();
        c.settimeout(to);
        const row: unknown[] = [port === 0, to, call, await c.connect_ex(["127.0.0.1", port])];
        try {
          if (call === "recv") row.push(Array.from(await c.recv(10)));
          else if (call === "listen") {
            await c.listen();
            row.push("listening");
          } else row.push(await c.connect(["127.0.0.1", port]));
        } catch (e) {
          row.push(err(e));
        } finally {
          await c.close();
        }
        out.push(row);
      }
    }
  }
  for (const to of [null, 0.2]) {
    const s = socket.socket();
    s.settimeout(to);
    await s.listen(5);
    await s.close();
    for (const f of [async () => Array.from(await s.recv(10)), async () => Array.from(await s.recv(10, socket.MSG_DONTWAIT)), () => s.recv_into(new Uint8Array(4))]) {
      try {
        out.push(await f());
      } catch (e) {
        out.push([to, ...err(e)]);
      }
    }
  }
  for (const typ of [socket.SOCK_STREAM, socket.SOCK_DGRAM]) {
    for (const second of ["192.0.2.1", "127.0.0.1"]) {
      const s = socket.socket(socket.AF_INET, typ);
      await s.bind(["127.0.0.1", 0]);
      try {
        await s.bind([second, 0]);
      } catch (e) {
        out.push([second, ...err(e)]);
      } finally {
        await s.close();
      }
    }
  }
  return out;
});

scenario("socket() and socketpair(): family, type (with its flags) and protocol checked in Linux's order", async () => {
  const out: unknown[] = [];
  const types = [socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET, socket.SOCK_RAW, 0, -1, 999, 7, 12, 16, socket.SOCK_STREAM | socket.SOCK_NONBLOCK, null];
  for (const f of [socket.AF_UNIX, socket.AF_INET, socket.AF_INET6, 999, -1]) {
    for (const t of types) {
      if (f === socket.AF_UNIX && (t === socket.SOCK_DGRAM || t === socket.SOCK_SEQPACKET || t === socket.SOCK_RAW)) continue; // differences #22
      for (const fn of ["pair", "sock"]) {
        if (fn === "sock" && t === null) continue;
        try {
          const r = fn === "pair" ? await socket.socketpair(f, any(t)) : socket.socket(f, any(t));
          out.push([fn, f, t, "ok"]);
          for (const x of fn === "pair" ? (r as socket.Socket[]) : [r as socket.Socket]) await x.close();
        } catch (e) {
          out.push([fn, f, t, (e as Error).name, (e as { errno?: unknown }).errno ?? null, (e as Error).message]);
        }
      }
    }
  }
  return out;
});

scenario("selector and poll limits (timeouts beyond a C int of ms, infinity, NaN, events beyond 32 bits, a None mask); a UDP connect to a link-local peer without a scope", async () => {
  const out: unknown[] = [];
  const s = socket.socket();
  const u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  const sel = socket.selectors.DefaultSelector();
  const p = socket.poll();
  const calls: (() => unknown)[] = [
    () => sel.select(3e6), () => sel.select(Infinity), async () => (await sel.select(2147483.6475 - 2147483.6475)).length,
    () => socket.selectors.PollSelector().select(Infinity), () => socket.selectors.PollSelector().select(2147484),
    () => sel.register(s, 2 ** 32), () => sel.register(s, -1), () => p.poll(NaN), () => p.register(s, any(null)),
    () => p.register(s, 1.5), () => u.connect(["fe80::1", 9]), () => u.connect(["fe80::1%lo", 9]), () => u.connect(["ff02::1", 9, 0, 0]),
  ];
  try {
    for (const f of calls) {
      try {
        out.push(String(await f()));
      } catch (e) {
        out.push([(e as Error).name, (e as { errno?: unknown }).errno ?? null, (e as Error).message]);
      }
    }
  } finally {
    sel.close();
    await s.close();
    await u.close();
  }
  return out;
});

scenario("makefile newline='': a CR that EOF follows is a CR line end in f.newlines", async () => {
  const out: unknown[] = [];
  for (const delay of [0, 50]) {
    const [a, b] = await socket.socketpair();
    try {
      const f = b.makefile("r", { newline: "" });
      await a.sendall(new TextEncoder().encode("x\na\r"));
      const lines: unknown[] = [];
      if (delay) {
        lines.push(await f.readline());
        await new Promise((r) => setTimeout(r, delay));
      }
      await a.shutdown(socket.SHUT_WR);
      while (lines.length < 3) lines.push(await f.readline());
      out.push([lines, f.newlines]);
      await f.close();
    } finally {
      await a.close();
      await b.close();
    }
  }
  return out;
});

scenario("shutdown() before connect (ENOTCONN) is kept: after connect a SHUT_WR one refuses sends, a later shutdown(SHUT_WR) still sends the FIN; SHUT_RD changes nothing", async () => {
  const out: unknown[] = [];
  const l = socket.socket();
  await l.bind(["127.0.0.1", 0]);
  await l.listen();
  try {
    for (const how of [socket.SHUT_WR, socket.SHUT_RD, socket.SHUT_RDWR]) {
      const c = socket.socket();
      try {
        await c.shutdown(how);
      } catch (e) {
        out.push((e as socket.OSError).errno);
      }
      await c.connect(l.getsockname() as [string, number]);
      const [a] = await l.accept();
      await a.sendall(b("cd"));
      await new Promise((r) => setTimeout(r, 50));
      const row: unknown[] = [];
      for (const op of [() => c.send(b("ab")), () => c.recv(10), () => c.shutdown(socket.SHUT_WR), () => a.recv(10)]) {
        try {
          const v = await op();
          row.push(v === undefined ? "None" : typeof v === "number" ? String(v) : repr(v));
        } catch (e) {
          row.push([(e as Error).name, (e as socket.OSError).errno]);
        }
      }
      out.push(row);
      await c.close();
      await a.close();
    }
  } finally {
    await l.close();
  }
  return out;
});

scenario("connect again after the listener reset the connection (shutdown before accept): the reset itself, then ENOTCONN, EPIPE", async () => {
  const out: unknown[] = [];
  const l = socket.socket();
  await l.bind(["127.0.0.1", 0]);
  await l.listen();
  const c = socket.socket();
  try {
    c.settimeout(0.1);
    await c.connect(l.getsockname() as [string, number]);
    await l.shutdown(socket.SHUT_RD);
    await new Promise((r) => setTimeout(r, 50));
    for (const op of [() => c.connect(l.getsockname() as [string, number]), () => c.recv(10), () => c.send(b("x"))]) {
      try {
        const v = await op();
        out.push(v === undefined ? "None" : typeof v === "number" ? String(v) : repr(v));
      } catch (e) {
        out.push([(e as Error).name, (e as socket.OSError).errno]);
      }
    }
  } finally {
    await c.close();
    await l.close();
  }
  return out;
});

/** The names of all scenarios, in order. */
export const scenarioNames = (): string[] => SCENARIOS.map(([n]) => n);

/** Turn a JS value into plain JSON (PyTuple → array, PyBytes → its repr is not implied: kept as numbers). */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null));

async function outcome(fn: Fn, isTimed: boolean): Promise<Outcome> {
  ELAPSED = null;
  const out: Outcome = { cls: null, errno: null, msg: null, value: null };
  try {
    out.value = plain(await fn());
  } catch (e) {
    const err = e as { name?: string; errno?: unknown; message?: string };
    out.cls = err?.name ?? typeof e;
    out.errno = typeof err?.errno === "number" ? err.errno : null;
    out.msg = norm(err?.message ?? String(e));
  }
  if (isTimed) out.elapsed = ELAPSED;
  return out;
}

/** Run every scenario (or only those named) and return name → outcome. */
export async function runScenarios(only?: string[]): Promise<Record<string, Outcome>> {
  const results: Record<string, Outcome> = {};
  for (const [name, fn, isTimed] of SCENARIOS) {
    if (only?.length && !only.includes(name)) continue;
    results[name] = await outcome(fn, isTimed);
  }
  return results;
}
