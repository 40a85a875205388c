// UDP: bind, sendto/recvfrom, truncation, connect, timeouts, sizes, errors.
import { spawn } from "node:child_process";
import { assert, closeAll, pattern, rejects, same, sleep, socket, test } from "./_harness.js";

async function udp(): Promise<[socket.Socket, [string, number]]> {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await s.bind(["127.0.0.1", 0]);
  return [s, [...(s.getsockname() as [string, number])] as [string, number]];
}

test("UDP sendto/recvfrom round trip with the sender's address", async () => {
  const [a, addrA] = await udp();
  const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  assert.equal(await b.sendto("ping", addrA), 4);
  const [data, from] = await a.recvfrom(1024);
  assert.equal(data.decode(), "ping");
  assert.equal((from as [string, number])[0], "127.0.0.1");
  assert.equal((from as [string, number])[1], (b.getsockname() as [string, number])[1]);
  assert.equal(await a.sendto(data, from as [string, number]), 4);
  const [back] = await b.recvfrom(1024);
  assert.equal(`${back}`, "b'ping'");
  await closeAll(a, b);
});


test("sendto of strings: each datagram is the string's UTF-8", async () => {
  const [a, addrA] = await udp();
  const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const enc = new TextEncoder();
  const strs = ["ascii", "é ß", "€ 中文", "𝄞 😀", "a\uD800b", "z".repeat(1365), "€".repeat(2000)];
  for (let i = 0; i < 60; i++) {
    const str = `${i}${strs[i % strs.length]}`;
    assert.equal(await b.sendto(str, addrA), enc.encode(str).length);
    const [data] = await a.recvfrom(65536);
    assert.ok(same(data, enc.encode(str)), `datagram ${i}`);
  }
  await closeAll(a, b);
});
test("UDP datagram of 65507 bytes arrives intact; 65508 is EMSGSIZE 90", async () => {
  const [a, addrA] = await udp();
  const [b] = await udp();
  const big = pattern(65507);
  await b.sendto(big, addrA);
  const [got] = await a.recvfrom(65535);
  assert.ok(same(got, big));
  await rejects(b.sendto(pattern(65508), addrA), socket.OSError, 90, "[Errno 90] Message too long");
  await closeAll(a, b);
});

test("UDP truncation: the rest of a long datagram is discarded", async () => {
  const [a, addrA] = await udp();
  const [b] = await udp();
  await b.sendto("0123456789", addrA);
  await b.sendto("next", addrA);
  const [d1] = await a.recvfrom(4);
  assert.equal(d1.decode(), "0123");
  const [d2] = await a.recvfrom(100);
  assert.equal(d2.decode(), "next");
  await closeAll(a, b);
});

test("UDP empty datagrams and MSG_PEEK", async () => {
  const [a, addrA] = await udp();
  const [b] = await udp();
  await b.sendto(new Uint8Array(0), addrA);
  await b.sendto("peek", addrA);
  const [e] = await a.recvfrom(10);
  assert.equal(e.length, 0);
  assert.equal((await a.recv(10, socket.MSG_PEEK)).decode(), "peek");
  assert.equal((await a.recv(10)).decode(), "peek");
  await closeAll(a, b);
});

test("UDP recvfrom timeout and non-blocking", async () => {
  const [a] = await udp();
  a.settimeout(0.1);
  await rejects(a.recvfrom(10), socket.TimeoutError, null, "timed out");
  a.setblocking(false);
  await rejects(a.recvfrom(10), socket.BlockingIOError, 11);
  await a.close();
});

test("UDP connect: send/recv to the peer, getpeername, others filtered", async () => {
  const [a, addrA] = await udp();
  const [b, addrB] = await udp();
  const [other] = await udp();
  await a.connect(addrB);
  assert.deepEqual([...(a.getpeername() as [string, number])], addrB);
  await other.sendto("intruder", addrA);
  await sleep(30);
  await a.send("hello");
  const [d, from] = await b.recvfrom(100);
  assert.equal(d.decode(), "hello");
  assert.deepEqual([...(from as [string, number])], addrA);
  await b.sendto("reply", addrA);
  assert.equal((await a.recv(100)).decode(), "reply");
  a.settimeout(0.1);
  await rejects(a.recv(100), socket.TimeoutError);
  await closeAll(a, b, other);
});

test("UDP send on an unconnected socket is EDESTADDRREQ 89; listen is EOPNOTSUPP 95", async () => {
  const [a] = await udp();
  await rejects(a.send("x"), socket.OSError, 89, "[Errno 89] Destination address required");
  await rejects(a.listen(), socket.OSError, 95, "[Errno 95] Operation not supported");
  await rejects(a.shutdown(socket.SHUT_RDWR), socket.OSError, 107);
  await a.close();
});

test("UDP sendto autobinds the socket", async () => {
  const [a, addrA] = await udp();
  const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  assert.equal((b.getsockname() as [string, number])[1], 0);
  await b.sendto("x", addrA);
  assert.ok((b.getsockname() as [string, number])[1] > 0);
  await closeAll(a, b);
});

test("UDP sendto with flags and the 1-argument error", async () => {
  const [a, addrA] = await udp();
  const [b] = await udp();
  assert.equal(await b.sendto("flags", 0, addrA), 5);
  assert.equal((await a.recv(10)).decode(), "flags");
  await rejects((b.sendto as (...x: unknown[]) => Promise<number>)("x"), TypeError, undefined, "sendto() takes 2 or 3 arguments (1 given)");
  await closeAll(a, b);
});

test("UDP recvfrom_into", async () => {
  const [a, addrA] = await udp();
  const [b, addrB] = await udp();
  await b.sendto("into", addrA);
  const buf = new Uint8Array(8);
  const [n, from] = await a.recvfrom_into(buf);
  assert.equal(n, 4);
  assert.deepEqual([...(from as [string, number])], addrB);
  await closeAll(a, b);
});

test("UDP many datagrams in a burst are delivered in order when read", async () => {
  const [a, addrA] = await udp();
  const [b] = await udp();
  for (let i = 0; i < 200; i++) await b.sendto(`m${i}`, addrA);
  await sleep(50);
  for (let i = 0; i < 200; i++) assert.equal((await a.recv(10)).decode(), `m${i}`);
  await closeAll(a, b);
});

/** How many datagrams of `size` bytes a socket keeps when a CPython process floods it with `n` while it does not read. */
async function keptOfFlood(rcvbuf: number | null, size: number, n: number, v6 = false): Promise<[number, number]> {
  const r = socket.socket(v6 ? socket.AF_INET6 : socket.AF_INET, socket.SOCK_DGRAM);
  const host = v6 ? "::1" : "127.0.0.1";
  await r.bind([host, 0]);
  const port = (r.getsockname() as [string, number])[1];
  if (rcvbuf !== null) r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf);
  const family = v6 ? "socket.AF_INET6" : "socket.AF_INET";
  const send = `import socket,sys\ns=socket.socket(${family},socket.SOCK_DGRAM)\nfor i in range(${n}): s.sendto(b"x"*${size},("${host}",int(sys.argv[1])))`;
  const child = spawn("python3", ["-c", send, String(port)], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  await sleep(200);
  r.setblocking(false);
  let kept = 0;
  for (;;) {
    try {
      assert.equal((await r.recv(size + 1)).length, size);
      kept++;
    } catch (err) {
      if (err instanceof socket.BlockingIOError) break;
      throw err;
    }
  }
  const reported = r.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) as number;
  await r.close();
  return [kept, reported];
}

test("UDP SO_RCVBUF bounds the datagrams kept while the app does not read, as Linux counts them", async () => {
  // CPython on Linux (loopback, another process sending): 200-byte datagrams cost 1280 bytes each
  // of the buffer: 166 fit the default 212992, 6 fit 8192 (SO_RCVBUF 4096, doubled), 1638 fit 2 MiB.
  // (Deno with --unstable-net holds one receive open from bind on: a datagram it took during the
  // flood leaves room for one more in the kernel, as if the app had read one.)
  const [byDefault, size] = await keptOfFlood(null, 200, 3000);
  assert.equal(size, 212992);
  assert.ok(byDefault === 166 || byDefault === 167, `kept ${byDefault} of 3000 (CPython: 166)`);
  // Each datagram's cost steps up where the kernel's allocation does: at 198 bytes of data over
  // IPv4 and 185 over IPv6 (longer headers), from 832 bytes (256 fit) to 1280 (166).
  for (const [size, v6, want] of [[197, false, 256], [198, false, 166], [184, true, 256], [185, true, 166]] as const) {
    const [kept] = await keptOfFlood(null, size, 600, v6);
    assert.ok(kept === want || kept === want + 1, `${size} bytes over IPv${v6 ? 6 : 4}: kept ${kept} (CPython: ${want})`);
  }
  assert.deepEqual(await keptOfFlood(4096, 200, 300), [6, 8192], "smaller");
  assert.deepEqual(await keptOfFlood(1, 10, 50), [2, 2304], "the least: 2304, two small datagrams");
  // Larger than the kernel's default: on Deno with --unstable-net (receiving only on demand) the
  // queue reads ahead while the kernel's own buffer holds the rest, so a few may be missing; and
  // a runtime that reads on its own (node:dgram under Deno) can fall behind the flood on a busy
  // machine (the whole suite on three runtimes at once): what the kernel dropped meanwhile is gone
  // (seen: 1404). The bound is the point here: never more than Linux keeps.
  const [kept, reported] = await keptOfFlood(1 << 20, 200, 20000);
  assert.equal(reported, 2097152);
  assert.ok(kept > 1000 && kept <= 1638, `kept ${kept} of 20000 (CPython: 1638)`);
}, 30000);

test("UDP replies to the address recvfrom returned: a burst without a pause, then close, all arrive in order", async () => {
  const [a, addrA] = await udp();
  const [b] = await udp();
  await b.sendto("hello", addrA);
  const [, from] = await a.recvfrom(100);
  for (let i = 0; i < 150; i++) assert.equal(await a.sendto(`r${i}`, from), `r${i}`.length);
  await a.close(); // replies accepted by sendto still go out
  for (let i = 0; i < 150; i++) assert.equal((await b.recv(10)).decode(), `r${i}`);
  await closeAll(b);
});

test("UDP echo of interleaved bursts from three peers: each peer gets its own replies, all, in order", async () => {
  const [srv, addr] = await udp();
  const peers = await Promise.all([udp(), udp(), udp()]);
  const N = 60;
  // Interleaved, all sent before the server reads: its reads (and replies) come in runs from several peers.
  for (let i = 0; i < N; i++) for (const [p] of peers) await p.sendto(`${(p.getsockname() as [string, number])[1]}:${i}`, addr);
  const echo = (async () => {
    for (let i = 0; i < N * peers.length; i++) {
      const [d, from] = await srv.recvfrom(64);
      await srv.sendto(d, from as [string, number]);
    }
  })();
  for (const [p] of peers) {
    const me = (p.getsockname() as [string, number])[1];
    for (let i = 0; i < N; i++) assert.equal((await p.recv(64)).decode(), `${me}:${i}`);
  }
  await echo;
  await closeAll(srv, ...peers.map(([p]) => p));
});

test("select()/poll() that only look (timeout 0, or another socket ready) see a datagram that arrived while no call waited", async () => {
  const r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    await r.bind(["127.0.0.1", 0]);
    r.settimeout(2);
    await s.sendto("first", r.getsockname());
    assert.equal(String(await r.recv(10)), "b'first'");
    const results: number[] = [];
    for (const look of ["select r", "select rw", "poll", "epoll"]) {
      await s.sendto("x", r.getsockname());
      await sleep(30); // no call waits on r meanwhile
      if (look === "select r") results.push((await socket.select([r], [], [], 0))[0].length);
      else if (look === "select rw") results.push((await socket.select([r], [r], [], 0.5))[0].length);
      else {
        if (look === "poll") {
          const p = socket.poll();
          p.register(r, socket.POLLIN);
          results.push((await p.poll(0)).length);
        } else {
          using ep = socket.epoll(); // (an epoll object has a descriptor of its own)
          ep.register(r, socket.EPOLLIN);
          results.push((await ep.poll(0)).length);
        }
      }
      assert.equal(String(await r.recv(10)), "b'x'");
    }
    assert.deepEqual(results, [1, 1, 1, 1]);
  } finally {
    await closeAll(r, s);
  }
});
