// Module functions: inet_*, hton*, getaddrinfo, gethostbyname, create_connection, create_server, socketpair.
import * as fs from "node:fs";
import { assert, closeAll, listener, rejects, socket, test } from "./_harness.js";

test("inet_aton / inet_ntoa / inet_pton / inet_ntop", async () => {
  assert.deepEqual([...socket.inet_aton("1.2.3.4")], [1, 2, 3, 4]);
  assert.deepEqual([...socket.inet_aton("127.1")], [127, 0, 0, 1]);
  assert.equal(socket.inet_ntoa(new Uint8Array([10, 0, 0, 1])), "10.0.0.1");
  assert.throws(() => socket.inet_aton("256.1.1.1"), (e: unknown) => e instanceof socket.OSError && e.message === "illegal IP address string passed to inet_aton");
  assert.throws(() => socket.inet_pton(socket.AF_INET, "127.1"), socket.OSError);
  assert.equal(socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, "2001:db8::1")), "2001:db8::1");
  assert.equal(socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, "::ffff:1.2.3.4")), "::ffff:1.2.3.4");
  assert.throws(() => socket.inet_ntop(socket.AF_INET6, new Uint8Array(3)), socket.ValueError);
});

test("htons / htonl / ntohs / ntohl", async () => {
  assert.equal(socket.htons(1), 256);
  assert.equal(socket.htonl(1), 16777216);
  assert.equal(socket.ntohs(socket.htons(4660)), 4660);
  assert.equal(socket.ntohl(socket.htonl(0x12345678)), 0x12345678);
  assert.throws(() => socket.htons(65536), socket.OverflowError);
  assert.throws(() => socket.htonl(2 ** 32), socket.OverflowError);
});

test("getaddrinfo returns Python's 5-tuples", async () => {
  const res = await socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM);
  assert.equal(res.length, 1);
  const [fam, type, proto, canon, sa] = res[0]!;
  assert.deepEqual([fam, type, proto, canon], [socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, ""]);
  assert.equal(`${sa}`, "('127.0.0.1', 80)");
  const all = await socket.getaddrinfo("localhost", 80);
  assert.ok(all.length >= 3 && all.every((r) => (r[4] as [string, number])[1] === 80));
  // A named service: only the socket types /etc/services lists it for (http: tcp), as glibc.
  const http = await socket.getaddrinfo("localhost", "http");
  assert.ok(http.length >= 1 && http.every((r) => r[1] === socket.SOCK_STREAM && (r[4] as [string, number])[1] === 80));
  await rejects(socket.getaddrinfo("no-such-host.invalid", 80), socket.gaierror, -2, "[Errno -2] Name or service not known");
  await rejects(socket.getaddrinfo("localhost", "nosuchservice"), socket.gaierror, -8);
});

test("gethostbyname and gethostname", async () => {
  assert.equal(await socket.gethostbyname("localhost"), "127.0.0.1");
  assert.equal(await socket.gethostbyname("1.2.3.4"), "1.2.3.4");
  assert.equal(typeof socket.gethostname(), "string");
  assert.ok(socket.gethostname().length > 0);
  await rejects(socket.gethostbyname("no-such-host.invalid"), socket.gaierror, -2);
});

test("create_connection connects and applies the timeout; refused raises the last error", async () => {
  const [l, port] = await listener();
  const c = await socket.create_connection(["127.0.0.1", port], 2.5);
  assert.equal(c.gettimeout(), 2.5);
  const [s] = await l.accept();
  await c.sendall("cc");
  assert.equal((await s.recv(10)).decode(), "cc");
  await closeAll(c, s, l);
  await rejects(socket.create_connection(["127.0.0.1", port]), socket.ConnectionRefusedError, 111);
  await rejects(socket.create_connection(["x"] as never), socket.ValueError, undefined, "not enough values to unpack (expected 2, got 1)");
});

test("create_server listens with SO_REUSEADDR; in use names the address", async () => {
  const s = await socket.create_server(["127.0.0.1", 0]);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
  const port = (s.getsockname() as [string, number])[1];
  const c = await socket.create_connection(["127.0.0.1", port]);
  const [conn] = await s.accept();
  await closeAll(c, conn);
  await rejects(
    socket.create_server(["127.0.0.1", port]),
    socket.OSError,
    98,
    `[Errno 98] Address already in use (while attempting to bind on address ('127.0.0.1', ${port}))`,
  );
  await rejects(socket.create_server(["127.0.0.1", 0], { dualstack_ipv6: true }), socket.ValueError, undefined, "dualstack_ipv6 requires AF_INET6 family");
  await s.close();
});

test("socketpair gives two connected sockets", async () => {
  const [a, b] = await socket.socketpair();
  assert.equal(a.family, socket.AF_UNIX);
  await a.sendall("over the pair");
  assert.equal((await b.recv(100)).decode(), "over the pair");
  await b.sendall("back");
  assert.equal((await a.recv(100)).decode(), "back");
  await closeAll(a, b);
});

test("IPv6 loopback: 4-tuple addresses", async () => {
  const [l, port] = await listener(socket.AF_INET6);
  const c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
  await c.connect(["::1", port]);
  const [s, addr] = await l.accept();
  assert.equal(`${l.getsockname()}`, `('::1', ${port}, 0, 0)`);
  assert.equal((addr as unknown[]).length, 4);
  await c.sendall("v6");
  assert.equal((await s.recv(10)).decode(), "v6");
  await closeAll(c, s, l);
});

test("AF_UNIX stream socket echo", async () => {
  const path = `/tmp/polysock-test-${Date.now()}-${Math.random().toString(36).slice(2)}.sock`;
  const l = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  await l.bind(path);
  await l.listen();
  assert.equal(l.getsockname(), path);
  const c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  await c.connect(path);
  const [s] = await l.accept();
  await c.sendall("unix");
  assert.equal((await s.recv(10)).decode(), "unix");
  await closeAll(c, s, l);
  // Linux leaves the file on disk (the runtimes unlink it; core puts it back): connecting is refused.
  const stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  assert.equal(await stale.connect_ex(path), 111);
  await stale.close();
  fs.unlinkSync(path);
  const missing = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  await rejects(missing.connect(path + ".missing"), socket.FileNotFoundError, 2, "[Errno 2] No such file or directory");
  await missing.close();
});

test("a BigInt argument is a Python int: sizes, ports, backlogs, options, timeouts", async () => {
  const [a, b] = await socket.socketpair();
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const l = socket.socket();
  try {
    await b.send(Uint8Array.of(1, 2, 3));
    assert.equal(String(await a.recv(2n as never)), "b'\\x01\\x02'");
    assert.equal(socket.htons(1n as never), 256);
    await u.bind(["127.0.0.1", 0n as never]);
    assert.ok(Number(u.getsockname()[1]) > 0);
    u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1n as never);
    assert.equal(u.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST), 1);
    await l.bind(["127.0.0.1", 0]);
    await l.listen(1n as never);
    a.settimeout(2n as never);
    assert.equal(a.gettimeout(), 2);
    assert.deepEqual([...(await socket.poll().poll(0n as never))], []);
    assert.equal((await socket.select([a], [], [], 0n as never))[0].length, 1);
  } finally {
    await closeAll(a, b, u, l);
  }
});
