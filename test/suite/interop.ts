// Interop: the TypeScript examples on this runtime against the plain CPython programs in
// test/fixtures/, both directions, TCP and UDP, byte-exact.
import { type ChildProcess, spawn } from "node:child_process";
import { listeningPort } from "../_listening.js";
import { assert, listener, pattern, recvAll, runtime, same, socket, test } from "./_harness.js";

const ROOT = new URL("../..", import.meta.url).pathname;

/** The command line that runs a TS example on the runtime running this suite. */
function tsCommand(file: string, args: string[]): [string, string[]] {
  const path = ROOT + file;
  if (runtime === "deno") return [process.execPath, ["run", "--allow-net", path, ...args]];
  if (runtime === "bun") return [process.execPath, [path, ...args]];
  return [process.execPath, ["--import", "tsx", path, ...args]];
}

const pyCommand = (file: string, args: string[]): [string, string[]] => ["python3", [ROOT + file, ...args]];

/** Start a server, wait for its "Listening on (..., port)" line, return the port. */
async function startServer([cmd, args]: [string, string[]]): Promise<[ChildProcess, number]> {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  return [child, await listeningPort(child)];
}

/**
 * Stop a server with SIGTERM and return its exit code. A Deno process spawned by Deno
 * never sees its signal listeners fire (it dies of the signal), so there 0 stands for
 * "ended by SIGTERM"; test/examples.test.ts checks the real exit code from Node.
 */
function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
    child.removeAllListeners("exit");
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code === null && signal === "SIGTERM" && runtime === "deno" ? 0 : code);
    });
    child.kill("SIGTERM");
  });
}

/** Run a client to completion; stdin gets `input`; returns [exit code, stdout bytes]. */
function runClient([cmd, args]: [string, string[]], input?: Uint8Array): Promise<[number | null, Uint8Array, string]> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Uint8Array[] = [];
    let err = "";
    child.stdout!.on("data", (d: Uint8Array) => chunks.push(new Uint8Array(d)));
    child.stderr!.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const n = chunks.reduce((a, c) => a + c.length, 0);
      const out = new Uint8Array(n);
      let off = 0;
      for (const c of chunks) {
        out.set(c, off);
        off += c.length;
      }
      resolve([code, out, err]);
    });
    child.stdin!.on("error", () => undefined);
    if (input) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

const decoder = new TextDecoder();

for (const proto of ["tcp", "udp"] as const) {
  const server = `${proto}_echo_server`;
  const client = `${proto}_echo_client`;

  test(`interop ${proto}: CPython client -> TS server on ${runtime}`, async () => {
    const [srv, port] = await startServer(tsCommand(`examples/${server}.ts`, ["--port", "0"]));
    try {
      const [code, out, err] = await runClient(pyCommand(`test/fixtures/${client}.py`, ["--port", String(port), "Hello, world"]));
      assert.equal(code, 0, err);
      assert.equal(decoder.decode(out).trim(), "Received b'Hello, world'");
      const big = pattern(proto === "tcp" ? 3 * 1024 * 1024 : 65507, 3);
      const [code2, raw, err2] = await runClient(pyCommand(`test/fixtures/${client}.py`, ["--port", String(port), "--raw", "-"]), big);
      assert.equal(code2, 0, err2);
      assert.ok(same(raw, big), `echo of ${big.length} bytes differs (got ${raw.length})`);
    } finally {
      const code = await stop(srv);
      assert.equal(code, 0, `server exits 0 on SIGTERM (got ${code})`);
    }
  }, 60000);

  test(`interop ${proto}: TS client on ${runtime} -> CPython server`, async () => {
    const [srv, port] = await startServer(pyCommand(`test/fixtures/${server}.py`, ["--port", "0"]));
    try {
      const [code, out, err] = await runClient(tsCommand(`examples/${client}.ts`, ["--port", String(port), "Hello from TS"]));
      assert.equal(code, 0, err);
      assert.equal(decoder.decode(out).trim(), "Received b'Hello from TS'");
      const big = pattern(proto === "tcp" ? 3 * 1024 * 1024 : 65507, 5);
      const [code2, raw, err2] = await runClient(tsCommand(`examples/${client}.ts`, ["--port", String(port), "--raw", "-"]), big);
      assert.equal(code2, 0, err2);
      assert.ok(same(raw, big), `echo of ${big.length} bytes differs (got ${raw.length})`);
    } finally {
      await stop(srv);
    }
  }, 60000);
}

test(`a program on ${runtime} that exits right after a reply sent during a burst: the reply arrives`, async () => {
  const [l, port] = await listener();
  const child = spawn(...tsCommand("test/fixtures/reply_then_exit.ts", [String(port)]), { cwd: ROOT, stdio: "ignore" });
  try {
    l.settimeout(20);
    const [conn] = await l.accept();
    conn.settimeout(20);
    await conn.sendall("abcd"); // one segment: "cd" is still queued when the reply is sent
    assert.equal(decoder.decode(await recvAll(conn)), "ab");
    await conn.close();
  } finally {
    child.kill("SIGKILL");
    await l.close();
  }
}, 30000);

test(`interop: a selectors multi-connection server on ${runtime} (ported from Python's tutorial) serves CPython's multiconn client`, async () => {
  const conns = 5;
  const [srv, port] = await startServer(tsCommand("test/fixtures/multiconn_server.ts", [String(conns)]));
  let serverOut = "";
  srv.stdout!.on("data", (d) => (serverOut += d));
  const exited = new Promise<number | null>((resolve) => srv.on("exit", (code) => resolve(code)));
  try {
    const [code, out, err] = await runClient(pyCommand("test/fixtures/multiconn_client.py", ["127.0.0.1", String(port), String(conns)]));
    assert.equal(code, 0, err);
    assert.equal(decoder.decode(out).trim(), `ok ${conns * (22 * 50 + 22 * 5000)}`);
    assert.equal(await exited, 0);
    assert.match(serverOut, new RegExp(`served ${conns}`));
  } finally {
    srv.kill("SIGKILL");
  }
}, 60000);

test("close() rejects a connect() still waiting for a full accept queue with EBADF 9, at once", async () => {
  const [server, port] = await startServer(pyCommand("test/fixtures/full_backlog_server.py", []));
  try {
    const c = socket.socket();
    const pending = c.connect(["127.0.0.1", port]).then(
      () => "connected",
      (e: unknown) => e,
    );
    const first = await Promise.race([pending, new Promise((r) => setTimeout(() => r("waiting"), 300))]);
    assert.equal(first, "waiting", "the connect should wait for the full queue");
    const t0 = Date.now();
    await c.close();
    const err = await pending;
    assert.ok(err instanceof socket.OSError, String(err));
    assert.equal((err as socket.OSError).errno, 9);
    assert.ok(Date.now() - t0 < 2000, "rejected at once");
  } finally {
    await stop(server);
  }
});

test("a sendall blocked toward a peer that resets never reports success, even when a concurrent recv sees the reset first", async () => {
  const [l, port] = await listener();
  const child = spawn(...pyCommand("test/fixtures/reset_while_sending.py", [String(port)]), { cwd: ROOT, stdio: "ignore" });
  try {
    const [c] = await l.accept();
    c.settimeout(10);
    // The peer reads nothing: 20 MB cannot all reach the OS before it resets.
    const outcome = (p: Promise<unknown>): Promise<string> =>
      p.then(
        (v) => `ok ${String(v)}`,
        (e: Error) => e.name,
      );
    const [sent, got] = await Promise.all([outcome(c.sendall(new Uint8Array(20 * 1024 * 1024))), outcome(c.recv(10))]);
    // CPython gives one of: sendall ConnectionResetError and recv b'', or BrokenPipeError and ConnectionResetError.
    assert.ok(sent === "ConnectionResetError" || sent === "BrokenPipeError", `sendall: ${sent} (recv: ${got})`);
    assert.ok(got === "ok b''" || got === "ConnectionResetError", `recv: ${got}`);
    await c.close();
  } finally {
    child.kill("SIGKILL");
    await l.close();
  }
});
