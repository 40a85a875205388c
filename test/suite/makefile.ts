// makefile(): line reads that share the socket's buffer with recv.
import { assert, closeAll, pair, rejects, sleep, socket, test } from "./_harness.js";

test("makefile('rb').readline then recv: nothing lost", async () => {
  const [c, s, l] = await pair();
  await c.sendall("line one\nline two\nBINARY\x00\x01");
  await c.shutdown(socket.SHUT_WR);
  const f = s.makefile("rb");
  assert.equal(`${await f.readline()}`, "b'line one\\n'");
  assert.equal(`${await f.readline()}`, "b'line two\\n'");
  assert.equal(`${await s.recv(100)}`, "b'BINARY\\x00\\x01'");
  await f.close();
  await closeAll(c, s, l);
});

test("makefile('r') text lines, async iteration, and 'w' with flush", async () => {
  const [c, s, l] = await pair();
  const w = c.makefile("w");
  w.write("alpha\nbeta\n");
  w.write("gamma");
  await w.flush();
  await w.close();
  await c.shutdown(socket.SHUT_WR);
  const r = s.makefile("r");
  const lines: string[] = [];
  for await (const line of r) lines.push(line as string);
  assert.deepEqual(lines, ["alpha\n", "beta\n", "gamma"]);
  await r.close();
  await closeAll(c, s, l);
});

test("makefile read(n) and read()", async () => {
  const [c, s, l] = await pair();
  await c.sendall("0123456789");
  await c.close();
  const f = s.makefile("rb");
  assert.equal(`${await f.read(4)}`, "b'0123'");
  assert.equal(`${await f.read()}`, "b'456789'");
  assert.equal((await f.read()).length, 0);
  await f.close();
  await closeAll(s, l);
});

test("repr of makefile() files is CPython's (name is the fd, -1 once closed)", async () => {
  const [a, b] = await socket.socketpair();
  const fd = a.fileno();
  const shown = (mode: string, opts?: socket.MakefileOptions): [string, string] => {
    const f = a.makefile(mode, opts);
    const open = String(f);
    f.close();
    return [open, String(f)];
  };
  assert.deepEqual(shown("r"), [`<_io.TextIOWrapper name=${fd} mode='r' encoding='UTF-8'>`, `<_io.TextIOWrapper name=-1 mode='r' encoding='UTF-8'>`]);
  assert.deepEqual(shown("w", { encoding: "latin-1" })[0], `<_io.TextIOWrapper name=${fd} mode='w' encoding='latin-1'>`);
  assert.deepEqual(shown("rw")[0], `<_io.TextIOWrapper mode='rw' encoding='UTF-8'>`);
  assert.deepEqual(shown("rb"), [`<_io.BufferedReader name=${fd}>`, `<_io.BufferedReader name=-1>`]);
  assert.deepEqual(shown("wb")[0], `<_io.BufferedWriter name=${fd}>`);
  assert.match(shown("rwb")[0], /^<_io\.BufferedRWPair object at 0x[0-9a-f]+>$/);
  assert.match(shown("rb", { buffering: 0 })[0], /^<socket\.SocketIO object at 0x[0-9a-f]+>$/);
  await closeAll(a, b);
});

test("makefile bad mode is ValueError", async () => {
  await using s = socket.socket();
  assert.throws(() => s.makefile("x"), (e: unknown) => e instanceof socket.ValueError && e.message === "invalid mode 'x' (only r, w, b allowed)");
  await rejects(Promise.resolve().then(() => s.makefile("rx")), socket.ValueError);
});

test("makefile('r') reads universal newlines and counts characters, as TextIOWrapper", async () => {
  const [c, s, l] = await pair();
  const f = s.makefile("r");
  await c.sendall("line1\r\nline2\rline3\n");
  assert.equal(await f.readline(), "line1\n");
  assert.equal(await f.readline(), "line2\n");
  assert.equal(await f.readline(), "line3\n");
  assert.equal(String(f.newlines), "('\\r', '\\n', '\\r\\n')", "f.newlines prints as Python's tuple");
  await c.sendall("é€abc\nx\r");
  assert.equal(await f.read(1), "é");
  assert.equal(await f.read(1), "€");
  assert.equal(await f.readline(2), "ab");
  assert.equal(await f.readline(0), "");
  assert.equal(await f.readline(), "c\n");
  const last = f.readline(); // a final \r waits to see whether \n follows
  await c.sendall("\ny");
  assert.equal(await last, "x\n");
  await c.shutdown(socket.SHUT_WR);
  assert.equal(await f.read(), "y");
  assert.equal(await f.readline(), "");
  await f.close();
  await closeAll(c, s, l);
});

test("makefile('wb') sends on its own once more than 8192 bytes are buffered", async () => {
  const [c, s, l] = await pair();
  const w = c.makefile("wb");
  assert.equal(w.write(new Uint8Array(10000).fill(65)), 10000);
  s.settimeout(5);
  let got = 0;
  while (got < 10000) got += (await s.recv(65536)).length; // no flush() was called
  assert.equal(got, 10000);
  w.write(new Uint8Array([66]));
  await w.close(); // flushes the rest
  assert.equal(`${await s.recv(10)}`, "b'B'");
  await closeAll(c, s, l);
});

test("makefile readlines() and readlines(hint)", async () => {
  const [c, s, l] = await pair();
  await c.sendall("a\nbb\nccc\ndddd\n");
  await c.shutdown(socket.SHUT_WR);
  const f = s.makefile("r");
  assert.deepEqual(await f.readlines(4), ["a\n", "bb\n"]);
  assert.deepEqual(await f.readlines(), ["ccc\n", "dddd\n"]);
  assert.deepEqual(await f.readlines(), []);
  await f.close();
  await closeAll(c, s, l);
});

test("makefile('wb') writes queued in blocking mode still all go out after setblocking(false); non-blocking writes count only what was taken", async () => {
  const [c, s, l] = await pair();
  for (const buffering of [-1, 0]) {
    const f = s.makefile("wb", { buffering });
    let claimed = 0;
    // Blocking: each write hands its bytes to a background send (the peer does not read yet).
    for (let i = 0; i < 3; i++) claimed += f.write(new Uint8Array(4 << 20).fill(0x61)) ?? 0;
    s.setblocking(false);
    for (let i = 0; i < 3; i++) {
      try {
        claimed += f.write(new Uint8Array(3 << 20).fill(0x62)) ?? 0;
      } catch (e) {
        assert.ok(e instanceof socket.BlockingIOError && buffering !== 0);
        claimed += e.characters_written!;
      }
    }
    c.settimeout(10);
    const reader = (async () => {
      let n = 0;
      while (n < claimed) n += (await c.recv(1 << 20)).length;
      return n;
    })();
    await new Promise((r) => setTimeout(r, 300)); // the queued sends go on while the socket is non-blocking
    s.setblocking(true);
    await f.flush();
    await f.close();
    assert.equal(await reader, claimed);
  }
  s.setblocking(false);
  c.setblocking(false);
  await rejects(() => c.recv(10), socket.BlockingIOError); // nothing more than was claimed
  await closeAll(c, s, l);
});

test("two readline() calls waiting on one file each get their own line (binary and text)", async () => {
  for (const mode of ["rb", "r"] as const) {
    const [c, s, l] = await pair();
    const f = s.makefile(mode);
    await c.sendall("aaaa");
    const p1 = f.readline();
    const p2 = f.readline();
    await sleep(20); // both wait, having searched the 4 bytes there
    await c.sendall("\nb\ncccc\n");
    const got = [String(await p1), String(await p2), String(await f.readline())];
    assert.deepEqual(got, mode === "rb" ? ["b'aaaa\\n'", "b'b\\n'", "b'cccc\\n'"] : ["aaaa\n", "b\n", "cccc\n"], mode);
    await f.close();
    await closeAll(c, s, l);
  }
});
