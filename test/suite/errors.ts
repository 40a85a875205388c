// The same class, errno and message as CPython on Linux, for the same bad situation.
import { assert, closeAll, listener, rejects, setup, socket, test } from "./_harness.js";

test("connection refused: ConnectionRefusedError 111; connect_ex returns 111", async () => {
  const [l, port] = await listener();
  await l.close();
  const s = socket.socket();
  const e = await rejects(s.connect(["127.0.0.1", port]), socket.ConnectionRefusedError, 111, "[Errno 111] Connection refused");
  assert.equal(String(e), "ConnectionRefusedError: [Errno 111] Connection refused");
  assert.equal((e as socket.OSError).strerror, "Connection refused");
  assert.ok(e instanceof socket.ConnectionError && e instanceof socket.OSError && e instanceof socket.error);
  assert.ok(e.cause !== undefined, "native error kept as cause");
  assert.equal(await s.connect_ex(["127.0.0.1", port]), 111);
  await s.close();
});

test("address in use: OSError 98 raised by bind", async () => {
  const [l, port] = await listener();
  const s = socket.socket();
  const e = await rejects(s.bind(["127.0.0.1", port]), socket.OSError, 98, "[Errno 98] Address already in use");
  assert.equal(String(e), "OSError: [Errno 98] Address already in use");
  await closeAll(s, l);
});

test("UDP address in use: OSError 98", async () => {
  const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await a.bind(["127.0.0.1", 0]);
  const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await rejects(b.bind(a.getsockname() as [string, number]), socket.OSError, 98, "[Errno 98] Address already in use");
  await closeAll(a, b);
});

test("bind twice is EINVAL", async () => {
  await using s = socket.socket();
  await s.bind(["127.0.0.1", 0]);
  await rejects(s.bind(["127.0.0.1", 0]), socket.OSError, 22, "[Errno 22] Invalid argument");
});

test("bind to a non-local address is EADDRNOTAVAIL 99", async () => {
  await using s = socket.socket();
  if (setup() === "deno/node") {
    // Deno's node:net reports EINVAL here (docs/differences.md); the Deno adapter gives 99.
    await rejects(s.bind(["192.0.2.1", 0]), socket.OSError, 22);
    return;
  }
  await rejects(s.bind(["192.0.2.1", 0]), socket.OSError, 99, "[Errno 99] Cannot assign requested address");
});

test("every call after close raises OSError 9 Bad file descriptor", async () => {
  const s = socket.socket();
  await s.close();
  assert.equal(s.fileno(), -1);
  const E = "[Errno 9] Bad file descriptor";
  await rejects(s.recv(1), socket.OSError, 9, E);
  await rejects(s.send("x"), socket.OSError, 9, E);
  await rejects(s.sendall("x"), socket.OSError, 9, E);
  await rejects(s.sendto("x", ["127.0.0.1", 9]), socket.OSError, 9, E);
  await rejects(s.recvfrom(1), socket.OSError, 9, E);
  await rejects(s.connect(["127.0.0.1", 9]), socket.OSError, 9, E);
  await rejects(s.bind(["127.0.0.1", 0]), socket.OSError, 9, E);
  await rejects(s.listen(), socket.OSError, 9, E);
  await rejects(s.accept(), socket.OSError, 9, E);
  await rejects(s.shutdown(socket.SHUT_RDWR), socket.OSError, 9, E);
  await rejects(() => s.getsockname(), socket.OSError, 9, E);
  await rejects(() => s.getpeername(), socket.OSError, 9, E);
  await rejects(() => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1), socket.OSError, 9, E);
  await rejects(() => s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), socket.OSError, 9, E);
  await rejects(() => s.setblocking(false), socket.OSError, 9, E);
  assert.equal(await s.connect_ex(["127.0.0.1", 9]), 9);
  await s.close();
});

test("bad addresses raise CPython's TypeError / OverflowError texts", async () => {
  await using s = socket.socket();
  await rejects(s.bind("127.0.0.1" as never), TypeError, undefined, "bind(): AF_INET address must be tuple, not str");
  await rejects(s.bind(["h"] as never), TypeError, undefined, "AF_INET address must be a pair (host, port)");
  await rejects(s.bind([1, 0] as never), TypeError, undefined, "str, bytes or bytearray expected, not int");
  await rejects(s.bind([null, 0] as never), TypeError, undefined, "str, bytes or bytearray expected, not NoneType");
  await rejects(s.bind(["127.0.0.1", "80"] as never), TypeError, undefined, "'str' object cannot be interpreted as an integer");
  await rejects(s.bind(["127.0.0.1", 1.5]), TypeError, undefined, "'float' object cannot be interpreted as an integer");
  await rejects(s.bind(["127.0.0.1", 70000]), socket.OverflowError, undefined, "bind(): port must be 0-65535.");
  await rejects(s.connect(["127.0.0.1", -1]), socket.OverflowError, undefined, "connect(): port must be 0-65535.");
  await rejects(s.connect_ex(["127.0.0.1", 70000]), socket.OverflowError, undefined, "connect_ex(): port must be 0-65535.");
});

test("bad arguments to recv/send raise ValueError / TypeError", async () => {
  await using s = socket.socket();
  await rejects(s.recv(-1), socket.ValueError, undefined, "negative buffersize in recv");
  await rejects(s.recvfrom(-1), socket.ValueError, undefined, "negative buffersize in recvfrom");
  await rejects(s.recv_into(new Uint8Array(1), -1), socket.ValueError, undefined, "negative buffersize in recv_into");
  await rejects(s.send(5 as never), TypeError, undefined, "a bytes-like object is required, not 'int'");
  await rejects(s.sendall({} as never), TypeError, undefined, "a bytes-like object is required, not 'dict'");
});

test("a call returning a Promise never throws synchronously", async () => {
  const s = socket.socket();
  let p: Promise<unknown> | undefined;
  assert.doesNotThrow(() => {
    p = s.bind("bad" as never);
  });
  await rejects(p!, TypeError);
  await s.close();
});

test("name lookups: gaierror -2 'Name or service not known'", async () => {
  await using s = socket.socket();
  const e = await rejects(s.connect(["256.0.0.1", 80]), socket.gaierror, -2, "[Errno -2] Name or service not known");
  assert.ok(e instanceof socket.OSError);
  await rejects(s.connect(["no-such-host.invalid", 80]), socket.gaierror, -2, "[Errno -2] Name or service not known");
  await rejects(s.bind(["::1", 0]), socket.gaierror, -9, "[Errno -9] Address family for hostname not supported");
});

test("OSError(errno, text) picks the Python subclass", async () => {
  assert.ok(new socket.OSError(111, "x") instanceof socket.ConnectionRefusedError);
  assert.ok(new socket.OSError(104, "x") instanceof socket.ConnectionResetError);
  assert.ok(new socket.OSError(32, "x") instanceof socket.BrokenPipeError);
  assert.ok(new socket.OSError(11, "x") instanceof socket.BlockingIOError);
  assert.ok(new socket.OSError(110, "x") instanceof socket.TimeoutError);
  assert.equal(new socket.OSError(98, "Address already in use").message, "[Errno 98] Address already in use");
  assert.equal(socket.errno.EADDRINUSE, 98);
  assert.equal(socket.errno.ECONNREFUSED, 111);
  assert.equal(socket.errorcode[104], "ECONNRESET");
});

// A CPython peer that reads ~1 MB, then closes with data unread (a reset, or a FIN and then a reset).
const READ_THEN_CLOSE = `
import socket, sys
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
c, _ = srv.accept()
n = 0
while n < 1000000:
    n += len(c.recv(65536))
c.close()
srv.close()
`;

test("a peer that closes with our data unread: sendall raises ECONNRESET or EPIPE, a pending recv b'' or ECONNRESET, never EPIPE (Linux's recv has none)", async () => {
  const { spawn } = await import("node:child_process");
  const child = spawn("python3", ["-c", READ_THEN_CLOSE], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once("data", (d: Buffer) => resolve(Number(String(d).trim())));
      child.once("error", reject);
    });
    const s = await socket.create_connection(["127.0.0.1", port]);
    const pending = s.recv(65536).then(
      (b) => `b'' ${b.length}`,
      (e: socket.OSError) => `${e.name} ${e.errno}`,
    );
    let sendErr = "none";
    try {
      for (let i = 0; i < 2000; i++) await s.sendall(new Uint8Array(65536));
    } catch (e) {
      sendErr = `${(e as Error).name} ${(e as socket.OSError).errno}`;
    }
    assert.ok(["ConnectionResetError 104", "BrokenPipeError 32"].includes(sendErr), `sendall: ${sendErr}`);
    const got = await pending;
    assert.ok(["b'' 0", "ConnectionResetError 104"].includes(got), `pending recv: ${got}`);
    await s.close();
  } finally {
    child.kill();
  }
}, 30000);
