// select(): the readiness a ported select-loop server relies on, and such a server serving
// polysock and CPython clients at once from one task.
import { spawn } from "node:child_process";
import { assert, closeAll, listener, pair, pattern, recvAll, rejects, same, sleep, socket, test } from "./_harness.js";

test("select(): a one-task non-blocking echo server serves polysock and CPython clients at once", async () => {
  const [l, port] = await listener();
  l.setblocking(false);
  const size = 300_000;
  const clientCount = 3;
  // The server, as a Python select() loop: accept, recv, echo; bounded in rounds and time.
  const server = (async () => {
    const conns: socket.Socket[] = [];
    let done = 0;
    const until = Date.now() + 20000;
    for (let round = 0; round < 100000 && done < clientCount + 1 && Date.now() < until; round++) {
      const [readable] = await socket.select([l, ...conns], [], [], 5);
      for (const s of readable) {
        if (s === l) {
          const [c] = await l.accept();
          c.setblocking(false);
          conns.push(c);
          continue;
        }
        const data = await s.recv(65536);
        if (data.length === 0) {
          conns.splice(conns.indexOf(s), 1);
          await s.close();
          done++;
        } else {
          s.setblocking(true); // sendall of what arrived, then back to polling
          await s.sendall(data);
          s.setblocking(false);
        }
      }
    }
    await closeAll(...conns);
    return done;
  })();
  const client = async (seed: number): Promise<boolean> => {
    const c = socket.socket();
    await c.connect(["127.0.0.1", port]);
    const data = pattern(size, seed);
    const [, echoed] = await Promise.all([c.sendall(data).then(() => c.shutdown(socket.SHUT_WR)), recvAll(c)]);
    await c.close();
    return same(echoed, data);
  };
  const py = new Promise<string>((resolve) => {
    const code = `
import socket
s = socket.create_connection(("127.0.0.1", ${port}))
data = bytes(range(256)) * 1000
s.sendall(data); s.shutdown(socket.SHUT_WR)
got = b""
while True:
    b = s.recv(65536)
    if not b: break
    got += b
print("same" if got == data else "differs %d" % len(got))`;
    const child = spawn("python3", ["-c", code], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20000);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(out.trim());
    });
  });
  const results = await Promise.all([...Array.from({ length: clientCount }, (_, i) => client(i + 1)), py]);
  assert.deepEqual(results, [true, true, true, "same"]);
  assert.equal(await server, clientCount + 1);
  await l.close();
}, 30000);

test("select(): timeout, nothing ready, writable after a non-blocking connect, readable on a datagram", async () => {
  const [c, s, l] = await pair();
  let t0 = Date.now();
  const none = await socket.select([s, l], [], [], 0.2);
  assert.deepEqual([...none].map((x) => [...x]), [[], [], []]);
  assert.equal(String(none), "([], [], [])"); // Python prints select()'s lists
  assert.ok(Date.now() - t0 >= 150, "waited for the timeout");
  // Data wakes a select that waits with no limit.
  setTimeout(() => void c.sendall("x"), 30);
  t0 = Date.now();
  const [r, w] = await socket.select([l, s], [], [], null);
  assert.deepEqual([[...r], [...w]], [[s], []]);
  assert.deepEqual([...(await socket.select([s], [s, c], [], 0))].map((x) => [...x]), [[s], [s, c], []]);
  // A non-blocking connect: select reports it writable once connected.
  const [l2, port2] = await listener();
  const d = socket.socket();
  d.setblocking(false);
  assert.equal(await d.connect_ex(["127.0.0.1", port2]), 115);
  const [, dw] = await socket.select([], [d], [], 5);
  assert.deepEqual([...dw], [d]);
  assert.equal(d.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0);
  // UDP: readable once a datagram is queued.
  const u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await u2.bind(["127.0.0.1", 0]);
  setTimeout(() => void u1.sendto("hi", u2.getsockname()), 30);
  const [ur] = await socket.select([u2], [], [], 5);
  assert.deepEqual([...ur], [u2]);
  await sleep(1);
  await closeAll(c, s, l, l2, d, u1, u2);
});

test("select(): a poll loop with timeout 0 lets the runtime deliver data", async () => {
  const [c, s, l] = await pair();
  setTimeout(() => void c.sendall("late"), 20);
  let polls = 0;
  let r: socket.Socket[] = [];
  for (; polls < 100000 && r.length === 0; polls++) [r] = await socket.select([s], [], [], 0);
  assert.deepEqual([...r], [s], `after ${polls} polls`);
  await closeAll(c, s, l);
});

test("selectors: register/modify/unregister/get_key/get_map and their errors, as Python's selectors", async () => {
  const { selectors } = socket;
  const [c, s, l] = await pair();
  const sel = selectors.DefaultSelector<string | null>();
  const key = sel.register(s, selectors.EVENT_READ, "conn");
  assert.deepEqual([key.fileobj === s, key.fd, key.events, key.data], [true, s.fileno(), 1, "conn"]);
  assert.throws(() => sel.register(s, selectors.EVENT_READ), (e: Error) => e.name === "KeyError" && /already registered/.test(e.message));
  assert.throws(() => sel.register(c, 0), (e: Error) => e.name === "ValueError" && e.message === "Invalid events: 0");
  assert.throws(() => sel.register(c, 4), (e: Error) => e.name === "ValueError" && e.message === "Invalid events: 4");
  assert.throws(() => sel.unregister(c), (e: Error) => e.name === "KeyError" && e instanceof socket.LookupError && /is not registered/.test(e.message));
  assert.equal((await sel.select(0)).length, 0);
  await c.sendall("ping");
  const ready = await sel.select(5);
  assert.equal(ready.length, 1);
  assert.deepEqual([ready[0]![0] === key, ready[0]![1]], [true, selectors.EVENT_READ]);
  // print(sel.select()) shows each key as its named tuple: [(SelectorKey(fileobj=<socket.socket fd=…>, fd=…, events=1, data='conn'), 1)]
  assert.equal(`${ready}`, `[(SelectorKey(fileobj=${s}, fd=${s.fileno()}, events=1, data='conn'), 1)]`);
  const both = sel.modify(s, selectors.EVENT_READ | selectors.EVENT_WRITE, "rw");
  assert.deepEqual([both.events, both.data, sel.get_key(s) === both, sel.get_map()!.size, sel.get_map()!.get(s) === both, sel.get_map()!.has(c)], [3, "rw", true, 1, true, false]);
  assert.deepEqual((await sel.select(0)).map(([, m]) => m), [3]);
  // A socket closed while registered: select skips it, unregister still finds it.
  await s.close();
  assert.equal((await sel.select(0)).length, 0);
  assert.equal(sel.unregister(s), both);
  sel.close();
  await closeAll(c, l);
});

test("selectors: modify(sock, 0) keeps the key; a socket closed during select is not reported; a closed selector", async () => {
  const { selectors } = socket;
  const [c, s, l] = await pair();
  const sel = selectors.DefaultSelector();
  sel.register(s, selectors.EVENT_READ, "x");
  const k0 = sel.modify(s, 0, "x");
  assert.deepEqual([k0.events, sel.get_key(s) === k0], [0, true]);
  await c.sendall("data");
  await sleep(30);
  assert.equal((await sel.select(0)).length, 0, "events 0: never ready");
  sel.modify(s, selectors.EVENT_READ, "x");
  // Another task closes a socket the selector waits on: epoll forgets it, so does select.
  const c2 = socket.socket();
  await c2.connect(l.getsockname());
  sel.register(c2, selectors.EVENT_READ, "c2");
  setTimeout(() => void c2.close(), 30);
  await s.recv(10);
  const t0 = Date.now();
  assert.equal((await sel.select(0.3)).length, 0);
  assert.ok(Date.now() - t0 >= 250, "waited for the timeout");
  sel.close();
  assert.equal(sel.get_map(), null);
  await rejectsValue(() => sel.select(0), "I/O operation on closed epoll object");
  assert.throws(() => sel.register(s, selectors.EVENT_READ), (e: Error) => e.name === "ValueError");
  await closeAll(c, s, l);
});

async function rejectsValue(fn: () => Promise<unknown>, message: string): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.equal((e as Error).name, "ValueError");
    assert.equal((e as Error).message, message);
    return;
  }
  assert.fail("did not reject");
}

test("epoll: the edge-triggered tutorial server (EPOLLIN|EPOLLET, drain until EAGAIN, then EPOLLOUT) serves three clients at once", async () => {
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  await srv.bind(["127.0.0.1", 0]);
  await srv.listen(5);
  srv.setblocking(false);
  using ep = socket.epoll();
  ep.register(srv.fileno(), socket.EPOLLIN | socket.EPOLLET);
  const conns = new Map<number, socket.Socket>();
  const requests = new Map<number, string>();
  const responses = new Map<number, Uint8Array>();
  const port = (srv.getsockname() as [string, number])[1];
  const clients = [0, 1, 2].map(async (i) => {
    const c = await socket.create_connection(["127.0.0.1", port]);
    await c.sendall(`GET /${i}\r\n\r\n`);
    const got = await recvAll(c);
    await c.close();
    return new TextDecoder().decode(got);
  });
  let served = 0;
  const deadline = Date.now() + 10000;
  while (served < 3 && Date.now() < deadline) {
    for (const [fd, event] of await ep.poll(1)) {
      if (fd === srv.fileno()) {
        for (;;) {
          try {
            const [c] = await srv.accept();
            c.setblocking(false);
            ep.register(c.fileno(), socket.EPOLLIN | socket.EPOLLET);
            conns.set(c.fileno(), c);
            requests.set(c.fileno(), "");
          } catch (e) {
            if (e instanceof socket.BlockingIOError) break;
            throw e;
          }
        }
      } else if (event & socket.EPOLLIN) {
        const c = conns.get(fd)!;
        for (;;) {
          try {
            const d = await c.recv(1024);
            if (!d.length) break;
            requests.set(fd, requests.get(fd)! + d.decode());
          } catch (e) {
            if (e instanceof socket.BlockingIOError) break;
            throw e;
          }
        }
        if (requests.get(fd)!.endsWith("\r\n\r\n")) {
          ep.modify(fd, socket.EPOLLOUT | socket.EPOLLET);
          responses.set(fd, new TextEncoder().encode(`echo ${requests.get(fd)!.trim()}`));
        }
      } else if (event & socket.EPOLLOUT) {
        const c = conns.get(fd)!;
        const rest = responses.get(fd)!;
        const n = await c.send(rest);
        responses.set(fd, rest.subarray(n));
        if (n === rest.length) {
          ep.modify(fd, 0);
          await c.shutdown(socket.SHUT_RDWR);
          ep.unregister(fd);
          await c.close();
          served++;
        }
      }
    }
  }
  assert.deepEqual(await Promise.all(clients), ["echo GET /0", "echo GET /1", "echo GET /2"]);
  assert.equal(served, 3);
  await srv.close();
});

test("a select/poll/selector loop with timeout 0 while another socket is always writable still lets the runtime run: it sees data that arrives", async () => {
  // Each call must give the event loop a turn even when something is ready at once: else the
  // loop runs on microtasks alone, and neither the peer's timer nor the runtime's reads run.
  const [c, s, l] = await pair();
  const other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); // always writable
  try {
    for (const how of ["select", "poll", "selector"]) {
      const sel = socket.selectors.DefaultSelector();
      sel.register(c, socket.selectors.EVENT_READ);
      sel.register(other, socket.selectors.EVENT_WRITE);
      const p = socket.poll();
      p.register(c, socket.POLLIN);
      p.register(other, socket.POLLOUT);
      setTimeout(() => void s.sendall("hello"), 30);
      const t0 = Date.now();
      let seen = false;
      for (let i = 0; i < 200_000 && Date.now() - t0 < 2000 && !seen; i++) {
        if (how === "select") seen = (await socket.select([c], [other], [], 0))[0].length > 0;
        else if (how === "poll") seen = (await p.poll(0)).some(([fd]) => fd === c.fileno());
        else seen = (await sel.select(0)).some(([k]) => k.fileobj === c);
      }
      sel.close();
      assert.ok(seen, `${how}: the data was never reported`);
      assert.equal(String(await c.recv(10)), "b'hello'");
    }
  } finally {
    await closeAll(c, s, l, other);
  }
});

test("poll, epoll and selectors watch sockets numbered from FD_SETSIZE (1024) on; only select() refuses them (ValueError)", async () => {
  const filler: socket.Socket[] = [];
  for (let i = 0; i < 1030; i++) filler.push(socket.socket()); // unbound: numbers, no runtime handles
  const [a, b] = await socket.socketpair();
  try {
    assert.ok(b.fileno() >= 1024, `fd ${b.fileno()}`);
    await a.sendall("x");
    const sel = socket.selectors.DefaultSelector();
    sel.register(b, socket.selectors.EVENT_READ, "b");
    assert.deepEqual((await sel.select(5)).map(([k, m]) => [k.data, m]), [["b", socket.selectors.EVENT_READ]]);
    sel.close();
    const ep = socket.epoll();
    ep.register(b.fileno(), socket.EPOLLIN);
    assert.deepEqual([...(await ep.poll(5))].map((x) => [...x]), [[b.fileno(), socket.EPOLLIN]]);
    ep.close();
    const p = socket.poll();
    p.register(b, socket.POLLIN);
    assert.deepEqual([...(await p.poll(5000))].map((x) => [...x]), [[b.fileno(), socket.POLLIN]]);
    await rejects(socket.select([b], [], [], 0), socket.ValueError, undefined, "filedescriptor out of range in select()");
  } finally {
    await a.close();
    await b.close();
    for (const s of filler) await s.close();
  }
});

test("a DefaultSelector or epoll waiting with no timeout sees a socket registered meanwhile (epoll's set is live)", async () => {
  const [a, c, l] = await pair();
  const [b, d, l2] = await pair();
  try {
    const sel = socket.selectors.DefaultSelector();
    sel.register(a, socket.selectors.EVENT_READ, "a");
    const waiting = sel.select(null);
    await sleep(20);
    sel.register(b, socket.selectors.EVENT_READ, "b");
    await d.sendall("x");
    assert.deepEqual((await waiting).map(([k, m]) => [k.data, m]), [["b", socket.selectors.EVENT_READ]]);
    sel.close();
    await b.recv(10);
    const ep = socket.epoll();
    ep.register(a.fileno(), socket.EPOLLIN);
    const polling = ep.poll(null);
    await sleep(20);
    ep.register(b.fileno(), socket.EPOLLIN);
    await d.sendall("y");
    assert.deepEqual([...(await polling)].map((x) => [...x]), [[b.fileno(), socket.EPOLLIN]]);
    ep.close();
  } finally {
    await closeAll(a, b, c, d, l, l2);
  }
});
