// settimeout / setblocking / default timeout, and "a timed-out recv loses nothing".
import { assert, closeAll, listener, pair, pattern, recvAll, rejects, same, sleep, socket, test } from "./_harness.js";

test("timeout modes: gettimeout / getblocking as in Python", async () => {
  await using s = socket.socket();
  assert.equal(s.gettimeout(), null);
  assert.equal(s.getblocking(), true);
  s.settimeout(0);
  assert.equal(s.gettimeout(), 0);
  assert.equal(s.getblocking(), false);
  s.settimeout(2.5);
  assert.equal(s.gettimeout(), 2.5);
  assert.equal(s.getblocking(), true);
  s.setblocking(false);
  assert.equal(s.gettimeout(), 0);
  s.setblocking(true);
  assert.equal(s.gettimeout(), null);
  assert.equal(s.type, socket.SOCK_STREAM);
});

test("settimeout rejects bad values with Python's errors", async () => {
  await using s = socket.socket();
  assert.throws(() => s.settimeout(-1), (e: unknown) => e instanceof socket.ValueError && e.message === "Timeout value out of range");
  assert.throws(() => s.settimeout(NaN), (e: unknown) => e instanceof socket.ValueError && e.message === "Invalid value NaN (not a number)");
  assert.throws(() => s.settimeout("1" as never), TypeError);
  assert.throws(() => socket.setdefaulttimeout(-1), socket.ValueError);
});

test("recv timeout raises TimeoutError('timed out') after about the timeout", async () => {
  const [c, s, l] = await pair();
  s.settimeout(0.2);
  const t0 = Date.now();
  const e = await rejects(s.recv(10), socket.TimeoutError, null, "timed out");
  const dt = Date.now() - t0;
  assert.ok(dt >= 180 && dt < 2000, `elapsed ${dt}`);
  assert.ok(e instanceof socket.OSError);
  assert.equal(socket.timeout, socket.TimeoutError);
  assert.equal(String(e), "TimeoutError: timed out");
  await closeAll(c, s, l);
});

test("a timed-out recv loses nothing: later bytes go to the next recv", async () => {
  const [c, s, l] = await pair();
  s.settimeout(0.1);
  const data = pattern(200000);
  for (let round = 0; round < 3; round++) await rejects(s.recv(10), socket.TimeoutError);
  const writer = (async () => {
    for (let off = 0; off < data.length; off += 10000) {
      await c.sendall(data.subarray(off, off + 10000));
      await sleep(off % 50000 === 0 ? 150 : 0);
    }
    await c.close();
  })();
  const parts: Uint8Array[] = [];
  let total = 0;
  let timeouts = 0;
  for (;;) {
    try {
      const d = await s.recv(7000);
      if (!d.length) break;
      parts.push(d.slice());
      total += d.length;
    } catch (e) {
      assert.ok(e instanceof socket.TimeoutError);
      timeouts++;
    }
  }
  await writer;
  const got = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    got.set(p, off);
    off += p.length;
  }
  assert.ok(same(got, data), "bytes lost or reordered");
  assert.ok(timeouts > 0, "expected some timeouts");
  await closeAll(s, l);
}, 30000);

test("timed waits one after another each get their whole timeout; a shorter one after a longer one is not held up", async () => {
  const [c, s, l] = await pair();
  s.settimeout(0.4);
  // Six waits of ~0.15 s: the timeout period of the first ends during a later wait, which goes on.
  for (let i = 0; i < 6; i++) {
    const late = sleep(150).then(() => c.sendall(Uint8Array.of(i)));
    const d = await s.recv(10);
    assert.deepEqual([...d], [i]);
    await late;
  }
  s.settimeout(30);
  const late = sleep(50).then(() => c.sendall(Uint8Array.of(9)));
  assert.deepEqual([...(await s.recv(10))], [9]);
  await late;
  s.settimeout(0.2);
  const t0 = Date.now();
  await rejects(s.recv(10), socket.TimeoutError, null, "timed out");
  const dt = Date.now() - t0;
  assert.ok(dt >= 180 && dt < 5000, `elapsed ${dt}`);
  // Concurrent waits with different timeouts: the shorter times out, the longer still gets the data.
  s.settimeout(3);
  const long = s.recv(10);
  s.settimeout(0.1);
  await rejects(s.recv(10), socket.TimeoutError, null, "timed out");
  await c.sendall(Uint8Array.of(7));
  assert.deepEqual([...(await long)], [7]);
  await closeAll(c, s, l);
});

test("non-blocking recv with nothing buffered is BlockingIOError 11", async () => {
  const [c, s, l] = await pair();
  s.setblocking(false);
  await rejects(s.recv(10), socket.BlockingIOError, 11, "[Errno 11] Resource temporarily unavailable");
  await c.sendall("ok");
  await sleep(50);
  assert.equal((await s.recv(10)).decode(), "ok");
  await closeAll(c, s, l);
});

test("MSG_DONTWAIT makes one recv non-blocking", async () => {
  const [c, s, l] = await pair();
  await rejects(s.recv(10, socket.MSG_DONTWAIT), socket.BlockingIOError, 11);
  await closeAll(c, s, l);
});

test("non-blocking accept with no client is BlockingIOError; accept timeout is TimeoutError", async () => {
  const [l] = await listener();
  l.setblocking(false);
  await rejects(l.accept(), socket.BlockingIOError, 11);
  l.settimeout(0.1);
  await rejects(l.accept(), socket.TimeoutError, null, "timed out");
  await l.close();
});

test("accepted sockets get the default timeout, not the listener's", async () => {
  const [l, port] = await listener();
  l.settimeout(5);
  const c = socket.socket();
  await c.connect(["127.0.0.1", port]);
  const [s] = await l.accept();
  assert.equal(s.gettimeout(), null);
  socket.setdefaulttimeout(3);
  try {
    const c2 = socket.socket();
    assert.equal(c2.gettimeout(), 3);
    await c2.connect(["127.0.0.1", port]);
    const [s2] = await l.accept();
    assert.equal(s2.gettimeout(), 3);
    await closeAll(c2, s2);
  } finally {
    socket.setdefaulttimeout(null);
  }
  await closeAll(c, s, l);
});

test("sendall timeout is one deadline for the whole call; the socket stays usable", async () => {
  const [c, s, l] = await pair();
  c.settimeout(0.5);
  const big = pattern(64 * 1024 * 1024);
  const t0 = Date.now();
  await rejects(c.sendall(big), socket.TimeoutError, null, "timed out");
  const dt = Date.now() - t0;
  assert.ok(dt >= 450 && dt < 3000, `elapsed ${dt}`);
  await closeAll(c, s, l);
}, 20000);

test("non-blocking send to a full peer eventually raises BlockingIOError", async () => {
  const [c, s, l] = await pair();
  c.setblocking(false);
  const chunk = new Uint8Array(1 << 20);
  let err: unknown;
  let sent = 0;
  for (let i = 0; i < 200 && !err; i++) {
    try {
      sent += await c.send(chunk);
    } catch (e) {
      err = e;
    }
  }
  assert.ok(err instanceof socket.BlockingIOError, String(err));
  assert.equal((err as socket.OSError).errno, 11);
  assert.ok(sent > 0);
  await closeAll(c, s, l);
}, 20000);

test("connect timeout: TimeoutError; non-blocking connect: BlockingIOError 115 then success", async () => {
  const [l, port] = await listener();
  const c = socket.socket();
  c.setblocking(false);
  await rejects(c.connect(["127.0.0.1", port]), socket.BlockingIOError, 115, "[Errno 115] Operation now in progress");
  let rc = -1;
  for (let i = 0; i < 100; i++) {
    rc = await c.connect_ex(["127.0.0.1", port]);
    if (rc !== 114 && rc !== 115) break;
    await sleep(10);
  }
  assert.equal(rc, 0);
  assert.equal(await c.connect_ex(["127.0.0.1", port]), 106);
  await closeAll(c, l);
});

test("settimeout after close is EBADF, yet stored (as CPython stores it first); gettimeout still answers", async () => {
  const s = socket.socket();
  s.settimeout(1);
  await s.close();
  assert.throws(() => s.settimeout(2), (e: unknown) => e instanceof socket.OSError && e.errno === 9);
  assert.equal(s.gettimeout(), 2);
});

test("recv MSG_PEEK leaves the data; MSG_WAITALL waits for n bytes", async () => {
  const [c, s, l] = await pair();
  await c.sendall("abc");
  await sleep(30);
  assert.equal((await s.recv(10, socket.MSG_PEEK)).decode(), "abc");
  assert.equal((await s.recv(10)).decode(), "abc");
  const p = s.recv(6, socket.MSG_WAITALL);
  await c.sendall("12");
  await sleep(30);
  await c.sendall("3456");
  assert.equal((await p).decode(), "123456");
  await closeAll(c, s, l);
});

test("MSG_WAITALL with a timeout returns what arrived (CPython's recv is non-blocking then); blocking keeps waiting", async () => {
  const [c, s, l] = await pair();
  s.settimeout(0.2);
  await c.sendall("abc");
  await sleep(50);
  assert.equal((await s.recv(10, socket.MSG_WAITALL)).decode(), "abc");
  await rejects(s.recv(10, socket.MSG_WAITALL), socket.TimeoutError);
  s.settimeout(null);
  setTimeout(() => void c.sendall("defg"), 50);
  setTimeout(() => void c.sendall("hij"), 100);
  assert.equal((await s.recv(7, socket.MSG_WAITALL)).decode(), "defghij");
  await closeAll(c, s, l);
});

test("a large recv after data arrives in pieces returns all queued bytes", async () => {
  const [c, s, l] = await pair();
  const data = pattern(5000);
  for (let i = 0; i < 5; i++) await c.sendall(data.subarray(i * 1000, (i + 1) * 1000));
  await c.close();
  await sleep(50);
  const got = await recvAll(s, 100000);
  assert.ok(same(got, data));
  await closeAll(s, l);
});

test("send() with a timeout or non-blocking to a peer that does not read: what it reports sent is what arrives", async () => {
  for (const mode of ["timeout", "nonblocking"] as const) {
    const [c, s, l] = await pair();
    if (mode === "timeout") c.settimeout(0.5);
    else c.setblocking(false);
    const payload = new Uint8Array(8_000_000).fill(120);
    let total = 0;
    for (let i = 0; i < 12; i++) {
      try {
        const n = await c.send(payload);
        assert.ok(n > 0 && n < payload.length, `send ${i} took ${n} of ${payload.length}, not all`);
        total += n;
      } catch (e) {
        assert.ok(e instanceof (mode === "timeout" ? socket.TimeoutError : socket.BlockingIOError), String(e));
        break;
      }
    }
    await c.close();
    s.settimeout(10);
    let got = 0;
    for (;;) {
      const d = await s.recv(1 << 20);
      if (!d.length) break;
      got += d.length;
    }
    assert.equal(got, total, `${mode}: the peer got what send() reported`);
    await closeAll(s, l);
  }
}, 30000);

test("a timeout that is up while the program was busy still returns what had arrived: recv, recvfrom, accept, select and a connect, with 1 ms timeouts", async () => {
  // The runtime reads sockets in its I/O poll, which comes after the timers in a turn of its event
  // loop: a 1 ms timer due after 3 ms of the program's own work must not fail a call whose data
  // the kernel already held (CPython's poll(2) returns it). 20 rounds of each.
  const busy = (): void => {
    const t = Date.now();
    while (Date.now() - t < 3) {
      // the program computing
    }
  };
  const [c, s, l] = await pair();
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    await u.bind(["127.0.0.1", 0]);
    const got: Record<string, number> = { recv: 0, recvfrom: 0, accept: 0, select: 0, connect: 0 };
    for (let i = 0; i < 20; i++) {
      await s.sendall("x");
      c.settimeout(0.001);
      const r = c.recv(10);
      busy();
      if (String(await r) === "b'x'") got.recv!++;
      await s.sendall("y");
      const sel = socket.select([c], [], [], 0.001);
      busy();
      if ((await sel)[0].length === 1) got.select!++;
      await c.recv(10);
      await v.sendto("d", u.getsockname());
      u.settimeout(0.001);
      const f = u.recvfrom(10);
      busy();
      if (String((await f)[0]) === "b'd'") got.recvfrom!++;
      const n = socket.socket();
      n.settimeout(0.001);
      const k = n.connect(l.getsockname());
      await Promise.resolve(); // (the connect's own steps run first: its timer is set)
      busy();
      try {
        await k;
        got.connect!++;
      } catch {
        // counted as a miss
      }
      l.settimeout(0.001);
      const a = l.accept();
      busy();
      try {
        const [conn] = await a;
        conn.close();
        got.accept!++;
      } catch {
        // counted as a miss
      }
      n.close();
    }
    assert.deepEqual(got, { recv: 20, recvfrom: 20, accept: 20, select: 20, connect: 20 });
  } finally {
    await closeAll(c, s, l, u, v);
  }
});

test("a tiny positive timeout (1e-9) still waits as CPython's poll does, at least 1 ms: sends to a reader succeed", async () => {
  const [c, s, l] = await pair();
  c.settimeout(1e-9);
  let timeouts = 0;
  for (let i = 0; i < 100; i++) {
    try {
      await c.sendall("abc");
    } catch (e) {
      if (!(e instanceof socket.TimeoutError)) throw e;
      timeouts++;
    }
  }
  // (Deno's writes finish on a later turn: each sendall waited for the one before, and 1e-9 s timed out about half of them.)
  assert.ok(timeouts < 10, `${timeouts} of 100 sendalls timed out`);
  await c.shutdown(socket.SHUT_WR);
  s.settimeout(5);
  assert.equal((await recvAll(s)).length, 3 * (100 - timeouts)); // what a timed-out call raised for was not sent
  await closeAll(c, s, l);
});
