// Replies sent while more input is queued (a burst): on Bun core batches them into one
// write (StreamTransport.batchWrites). Whatever the runtime, the peer must get every byte,
// in order, as it was when sendall resolved — also across close, shutdown and a slow reader.
import { assert, closeAll, listener, pair, pattern, recvAll, same, sleep, socket, test, text } from "./_harness.js";

/** recv exactly n bytes (the test's own framing). */
async function recvExactly(s: socket.Socket, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const d = await s.recv(n - got);
    if (!d.length) break;
    out.set(d, got);
    got += d.length;
  }
  return out.subarray(0, got);
}

test("a reply sent while input is queued reaches the peer before the server waits again", async () => {
  const [c, s, l] = await pair();
  c.settimeout(5);
  await c.sendall("ab"); // both requests in one segment
  await sleep(30);
  assert.equal(text(await s.recv(1)), "a"); // "b" still queued
  await s.sendall("A");
  assert.equal(text(await s.recv(1)), "b");
  await s.sendall("B");
  // The client answers only after both replies: the server's next recv waits on it.
  const next = s.recv(10);
  assert.equal(text(await recvExactly(c, 2)), "AB");
  await c.sendall("c");
  assert.equal(text(await next), "c");
  await closeAll(c, s, l);
});

test("a reply's buffer reused at once after sendall: the peer gets the bytes sendall saw", async () => {
  const [c, s, l] = await pair();
  const data = pattern(300 * 1024, 3);
  await c.sendall(data);
  await c.shutdown(socket.SHUT_WR);
  const buf = new Uint8Array(1000);
  const server = (async () => {
    for (;;) {
      const n = await s.recv_into(buf);
      if (n === 0) break;
      await s.sendall(buf.subarray(0, n));
      buf.fill(0xee); // like Python reusing a bytearray after sendall returned
    }
    await s.close();
  })();
  const got = await recvAll(c);
  await server;
  assert.equal(got.length, data.length);
  assert.ok(same(got, data), "echo differs from what was sent");
  await closeAll(c, l);
});

// The app refills one buffer for each call, as a Python loop reuses a bytearray: every call that
// reported bytes sent must have left them as they were then, even where the runtime still holds
// them (a peer that reads late: the kernel buffers fill, Node and Deno queue the rest).
for (const [mode, size] of [["send with a timeout", 65536], ["non-blocking send", 65536], ["sendall", 1000]] as const) {
  test(`${mode} of a buffer refilled after each call: the peer gets what each call saw`, async () => {
    const [c, s, l] = await pair();
    const total = 24 * 1024 * 1024;
    const n = Math.ceil(total / size);
    const reader = (async () => {
      await sleep(200); // the kernel buffers fill meanwhile
      return recvAll(s, 1 << 20);
    })();
    c.settimeout(mode === "non-blocking send" ? 0 : mode === "sendall" ? null : 10);
    const buf = new Uint8Array(size);
    for (let i = 0; i < n; i++) {
      buf.fill(i % 251);
      if (mode === "sendall") await c.sendall(buf);
      else
        for (let sent = 0; sent < size; ) {
          try {
            sent += await c.send(buf.subarray(sent));
          } catch (e) {
            if (!(e instanceof socket.BlockingIOError)) throw e;
            await socket.select([], [c], [], 5);
          }
        }
    }
    await c.shutdown(socket.SHUT_WR);
    const got = await reader;
    assert.equal(got.length, n * size);
    let bad = 0;
    for (let i = 0; i < got.length; i++) if (got[i] !== Math.floor(i / size) % 251) bad++;
    assert.equal(bad, 0, "bytes changed after the call that sent them returned");
    await closeAll(c, s, l);
  });
}

test("close right after replies sent during a burst delivers them all, then EOF", async () => {
  const [c, s, l] = await pair();
  await c.sendall(pattern(200 * 1024, 5));
  await sleep(50);
  const head = await s.recv(100); // the rest stays queued
  await s.sendall(head);
  await s.sendall("tail");
  // Read everything else without replying (close with unread bytes would reset), then close.
  let rest = 200 * 1024 - head.length;
  while (rest > 0) rest -= (await s.recv(rest)).length;
  await s.close();
  const got = await recvAll(c);
  assert.equal(got.length, 104);
  assert.ok(same(got.subarray(0, 100), head), "reply differs");
  assert.equal(text(got.subarray(100)), "tail");
  await closeAll(c, l);
});

test("shutdown(SHUT_WR) after replies sent during a burst: the replies, then EOF; reading goes on", async () => {
  const [c, s, l] = await pair();
  await c.sendall("1234");
  await sleep(30);
  assert.equal(text(await s.recv(2)), "12");
  await s.sendall("x");
  await s.shutdown(socket.SHUT_WR);
  assert.equal(text(await recvAll(c)), "x");
  assert.equal(text(await s.recv(10)), "34");
  await c.sendall("more");
  assert.equal(text(await s.recv(10)), "more");
  await closeAll(c, s, l);
});

test("a slow reader: replies past the kernel's buffers all arrive in order, also after close", async () => {
  const [c, s, l] = await pair();
  const data = pattern(6 * 1024 * 1024, 11);
  const server = (async () => {
    for (;;) {
      const d = await s.recv(65536);
      if (!d.length) break;
      await s.sendall(d);
    }
    await s.close();
  })();
  const sending = (async () => {
    await c.sendall(data);
    await c.shutdown(socket.SHUT_WR);
  })();
  await sleep(300); // let both directions fill up before the client reads
  const got = await recvAll(c);
  await Promise.all([sending, server]);
  assert.equal(got.length, data.length);
  assert.ok(same(got, data), "echo differs from what was sent");
  await closeAll(c, l);
}, 60000);

test("bytes sent back as recv returned them mid-burst go out even if the app then waits on something else", async () => {
  const [c, s, l] = await pair();
  await c.sendall("abcd");
  await sleep(30);
  const d = await s.recv(2); // "cd" stays queued: a burst
  await s.sendall(d);
  const pause = sleep(1500); // the server now waits on something that is not this socket
  c.settimeout(1);
  assert.equal(text(await c.recv(10)), "ab");
  await pause;
  assert.equal(text(await s.recv(10)), "cd");
  await closeAll(c, s, l);
});

test("close with unread input right after a reply sent during a burst: the reply still arrives", async () => {
  const [c, s, l] = await pair();
  await c.sendall("abcd");
  await sleep(30);
  const d = await s.recv(2); // "cd" stays unread
  await s.sendall(d);
  await s.close(); // unread input: Linux resets the connection (Deno cannot: docs/differences.md #6)
  c.settimeout(5);
  assert.equal(text(await c.recv(10)), "ab");
  try {
    assert.equal((await c.recv(10)).length, 0);
  } catch (err) {
    assert.ok(err instanceof socket.ConnectionResetError, String(err));
  }
  await closeAll(c, l);
});

test("an echo with random recv sizes, copies, views and pauses returns every byte in order", async () => {
  for (const seed0 of [12345, 777, 31337, 4242]) {
    const [c, s, l] = await pair();
    let seed = seed0;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const sizes = [1, 7, 100, 1500, 4096, 65536, 300000];
    const data = pattern(4 * 1024 * 1024, seed0 & 0xff);
    const server = (async () => {
      for (;;) {
        const d = await s.recv(sizes[rand(sizes.length)]!);
        if (!d.length) break;
        const how = rand(6);
        if (how === 0) await s.sendall(d.slice()); // a copy
        else if (how === 1 && d.length > 1) {
          await s.sendall(d.subarray(0, 1)); // views that are not what recv returned
          await s.sendall(d.subarray(1));
        } else await s.sendall(d); // what recv returned (batched by reference)
        if (rand(20) === 0) await sleep(rand(3)); // the app waits on something else mid-burst
      }
      await s.close();
    })();
    const sending = (async () => {
      for (let off = 0; off < data.length; ) {
        const n = Math.min(data.length - off, sizes[rand(sizes.length)]!);
        await c.sendall(data.subarray(off, off + n));
        off += n;
      }
      await c.shutdown(socket.SHUT_WR);
    })();
    if (seed0 & 1) await sleep(200); // a slow reader: both directions fill up first
    const got = await recvAll(c);
    await Promise.all([sending, server]);
    assert.equal(got.length, data.length, `seed ${seed0}`);
    assert.ok(same(got, data), `echo differs from what was sent (seed ${seed0})`);
    await closeAll(c, l);
  }
}, 60000);

test("many connections replying with new bytes during bursts at once: each gets exactly its own replies", async () => {
  const [l, port] = await listener();
  const N = 40;
  const serve = async (conn: socket.Socket, seed: number): Promise<void> => {
    for (let i = 0; ; i++) {
      const d = await conn.recv(((seed + i) % 5) * 300 + 1);
      if (!d.length) break;
      const reply = new Uint8Array(d.length); // new bytes, not what recv returned: copied when batched
      for (let j = 0; j < d.length; j++) reply[j] = d[j]! ^ 0x55;
      await conn.sendall(reply);
      if ((seed + i) % 7 === 0) await sleep(1); // other connections run meanwhile
    }
    await conn.close();
  };
  const server = (async () => {
    const jobs: Promise<void>[] = [];
    for (let k = 0; k < N; k++) {
      const [conn] = await l.accept();
      jobs.push(serve(conn, k));
    }
    await Promise.all(jobs);
  })();
  const clients = Array.from({ length: N }, async (_, k) => {
    const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    await c.connect(["127.0.0.1", port]);
    const data = pattern(20000 + k * 1000, k + 1);
    await c.sendall(data); // all of it at once: the server works through a burst
    await c.shutdown(socket.SHUT_WR);
    const got = await recvAll(c);
    await c.close();
    assert.equal(got.length, data.length, `client ${k}`);
    for (let j = 0; j < data.length; j++) if (got[j] !== (data[j]! ^ 0x55)) assert.fail(`client ${k}: byte ${j} differs`);
  });
  await Promise.all([...clients, server]);
  await l.close();
}, 60000);
