// setsockopt/getsockopt with Linux defaults; fileno; reprs.
import { spawnSync } from "node:child_process";
import { assert, closeAll, listener, pair, rejects, socket, test } from "./_harness.js";

test("fresh TCP socket options have Linux's defaults", async () => {
  await using s = socket.socket();
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE), 0);
  assert.equal(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 0);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_STREAM);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 131072);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF), 16384);
});

test("set then get: SO_REUSEADDR, SO_REUSEPORT, TCP_NODELAY, SO_KEEPALIVE, SO_BROADCAST", async () => {
  const [c, s, l] = await pair();
  c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  assert.equal(c.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
  c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, true);
  assert.equal(c.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 1);
  c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 5);
  assert.equal(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 1);
  c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
  assert.equal(c.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE), 1);
  await c.sendall("still works");
  assert.equal((await s.recv(100)).decode(), "still works");
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1);
  assert.equal(u.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST), 1);
  assert.equal(u.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 212992);
  await closeAll(c, s, l, u);
});

test("buffer sizes are doubled and clamped as by Linux", async () => {
  await using s = socket.socket();
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 8192);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 100);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF), 4608);
});

test("unknown option and TCP option on UDP: OSError 92", async () => {
  await using s = socket.socket();
  await rejects(() => s.getsockopt(socket.SOL_SOCKET, 9999), socket.OSError, 92, "[Errno 92] Protocol not available");
  await using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await rejects(() => u.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1), socket.OSError, 92);
  await rejects(() => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, "1" as never), TypeError);
});

test("getsockopt with buflen returns bytes", async () => {
  await using s = socket.socket();
  const b = s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 4) as Uint8Array;
  assert.deepEqual([...b], [1, 0, 0, 0]);
});

test("SO_ACCEPTCONN follows listen()", async () => {
  await using s = socket.socket();
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 0);
  await s.bind(["127.0.0.1", 0]);
  await s.listen();
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
});

test("SO_REUSEPORT: two listeners share a port where the runtime allows it", async () => {
  const a = socket.socket();
  a.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1);
  await a.bind(["127.0.0.1", 0]);
  await a.listen();
  const port = (a.getsockname() as [string, number])[1];
  const b = socket.socket();
  b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1);
  const caps = socket.getAdapter().capabilities;
  if (caps.reusePort) {
    await b.bind(["127.0.0.1", port]);
    await b.listen();
  } else {
    // Node 20 and Deno without --unstable-net cannot set SO_REUSEPORT: documented difference.
    await rejects(b.bind(["127.0.0.1", port]), socket.OSError, 98);
  }
  await closeAll(a, b);
});

test("repr of a socket and of bytes looks like Python's", async () => {
  const [c, s, l] = await pair();
  assert.match(String(c), /^<socket\.socket fd=\d+, family=2, type=1, proto=0, laddr=\('127\.0\.0\.1', \d+\), raddr=\('127\.0\.0\.1', \d+\)>$/);
  await c.sendall(new Uint8Array([0, 39, 92, 10, 200, 65]));
  assert.equal(`${await s.recv(10)}`, "b\"\\x00'\\\\\\n\\xc8A\"");
  await closeAll(c, s, l);
  assert.match(String(c), /\[closed\]/);
});

/**
 * The kernel's [TCP_NODELAY, SO_KEEPALIVE, TCP_KEEPIDLE] of this process's TCP sockets, keyed
 * "localport-peerport": CPython takes each socket descriptor over with pidfd_getfd(2) and asks
 * getsockopt(2) (what the runtime's own API says need not be what the kernel does).
 */
function kernelOptions(): Record<string, [number, number, number]> {
  const py = spawnSync("python3", ["-c", `
import ctypes, json, os, socket, sys
pid = int(sys.argv[1]); pidfd = os.pidfd_open(pid); libc = ctypes.CDLL(None, use_errno=True); out = {}
for name in os.listdir(f"/proc/{pid}/fd"):
    try:
        if not os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"): continue
    except OSError: continue
    fd = libc.syscall(438, pidfd, int(name), 0)  # pidfd_getfd
    if fd < 0:
        if ctypes.get_errno() == 9: continue  # closed meanwhile (EBADF)
        sys.exit("pidfd_getfd: " + os.strerror(ctypes.get_errno()))
    with socket.socket(fileno=fd) as s:
        if s.family != socket.AF_INET or s.type != socket.SOCK_STREAM: continue
        try: key = f"{s.getsockname()[1]}-{s.getpeername()[1]}"
        except OSError: continue
        out[key] = [s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE), s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)]
print(json.dumps(out))
`, String(process.pid)], { encoding: "utf8" });
  assert.equal(py.status, 0, py.stderr);
  return JSON.parse(py.stdout) as Record<string, [number, number, number]>;
}

test("TCP_NODELAY and SO_KEEPALIVE reach the kernel: 0 as in Python (Bun's own NODELAY is 1), 1 once set, inherited on accept", async () => {
  const [l, port] = await listener();
  const c = socket.socket();
  await c.connect(["127.0.0.1", port]);
  const [a] = await l.accept();
  const [l2, port2] = await listener();
  l2.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  l2.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
  const c2 = socket.socket();
  c2.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); // before connect: applied once connected
  c2.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
  await c2.connect(["127.0.0.1", port2]);
  const [a2] = await l2.accept();
  const key = (s: socket.Socket): string => `${s.getsockname()[1] as number}-${s.getpeername()[1] as number}`;
  const two = (s: socket.Socket): number[] | undefined => k[key(s)]?.slice(0, 2);
  let k = kernelOptions();
  assert.deepEqual([c, a, c2, a2].map(two), [[0, 0], [0, 0], [1, 1], [1, 1]]);
  c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  a.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
  a2.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0);
  c2.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 0);
  k = kernelOptions();
  assert.deepEqual([c, a, c2, a2].map(two), [[1, 0], [0, 1], [1, 0], [0, 1]]);
  await closeAll(a, c, l, a2, c2, l2);
});

test("TCP_KEEPIDLE reaches the kernel with SO_KEEPALIVE (set before or after, inherited on accept); not on the Deno adapter", async () => {
  const [l, port] = await listener();
  l.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
  l.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 55);
  const c = socket.socket();
  c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 33); // before connect, before SO_KEEPALIVE
  c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
  await c.connect(["127.0.0.1", port]);
  const [a] = await l.accept();
  const c2 = socket.socket();
  await c2.connect(["127.0.0.1", port]);
  const [a2] = await l.accept();
  c2.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 44); // keep-alive off: kept for later, as Linux
  const key = (s: socket.Socket): string => `${s.getsockname()[1] as number}-${s.getpeername()[1] as number}`;
  const keepIdle = (): (number | undefined)[] => {
    const k = kernelOptions();
    return [c, a, c2].map((s) => k[key(s)]?.[2]);
  };
  // Deno.TcpConn has no keep-alive delay (differences #9): the kernel keeps its 7200 s.
  const applied = (v: number): number => (socket.getAdapter().name === "deno" ? 7200 : v);
  const first = keepIdle();
  c2.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
  const second = keepIdle();
  c2.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 66); // keep-alive on: at once
  const third = keepIdle();
  assert.deepEqual([first, second, third], [
    [applied(33), applied(55), 7200],
    [applied(33), applied(55), applied(44)],
    [applied(33), applied(55), applied(66)],
  ]);
  assert.deepEqual([c, a, c2].map((s) => s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)), [33, 55, 66]);
  await closeAll(a, c, a2, c2, l);
});
