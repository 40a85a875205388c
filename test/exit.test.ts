// A program ends like a Python script: open sockets do not hold it, a waiting call does.
import { spawn } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { expect, test } from "vitest";
import { ROOT, runProgram, runtimeCommand } from "./_spawn.js";

const runtimes = ["node", "bun", "deno"] as const;

/** A fixture on `runtime`, killed after 20 s (a program that never ends fails the test). */
async function run(runtime: (typeof runtimes)[number], file: string, args: string[] = []): Promise<{ code: number | null; out: string }> {
  // Deno: native UDP (--unstable-net); its node:dgram cannot unref (docs/differences.md #24).
  const flags = runtime === "deno" ? ["--unstable-net"] : [];
  const [cmd, argv] = runtimeCommand(runtime, path.join(ROOT, "test", "fixtures", file), args, flags);
  const { code, output } = await runProgram(cmd, argv, 20000);
  return { code, out: output };
}

/** A node:net peer on loopback running `onConn` for each connection, for the length of `body(port)`. */
async function withPeer<T>(onConn: (c: net.Socket) => void, body: (port: number) => Promise<T>): Promise<T> {
  const server = net.createServer(onConn);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    return await body((server.address() as net.AddressInfo).port);
  } finally {
    server.close();
  }
}

for (const rt of runtimes) {
  test(`${rt}: a program that leaves sockets open still exits`, async () => {
    const r = await run(rt, "open_sockets_exit.ts");
    expect(r.out).toContain("b'hi'\nb'x'\ndone");
    expect(r.code).toBe(0);
  }, 30000);

  for (const adapter of rt === "node" ? ["node"] : [rt, "node"]) {
    test(`${rt}, ${adapter} adapter: a program awaiting close() of its connections runs to its last line`, async () => {
      const r = await run(rt, "close_then_exit.ts", adapter === "node" ? ["node"] : []);
      expect(r.out).toContain("b'ping'\nclient closed\nserver side closed\ndone");
      expect(r.code).toBe(0);
    }, 30000);
  }

  for (const adapter of rt === "node" ? ["node"] : [rt, "node"]) {
    test(`${rt}, ${adapter} adapter: a main() that closes sockets after an idle moment runs to its last line`, async () => {
      const r = await run(rt, "close_idle_then_exit.ts", adapter === "node" ? ["node"] : []);
      expect(r.out).toContain("listener closed\nunix listener closed\nb'ping'\nclient closed\ndone");
      expect(r.code).toBe(0);
    }, 30000);
  }

  for (const adapter of rt === "node" ? ["node"] : [rt, "node"]) {
    test(`${rt}, ${adapter} adapter: shutdown(SHUT_WR) then close() with input unread: FIN, then reset, and the program ends`, async () => {
      const r = await run(rt, "shutdown_close_exit.ts", adapter === "node" ? ["node"] : []);
      // (The Deno adapter cannot reset a connection: differences #6.)
      const last = adapter === "deno" ? "peer sent" : "peer BrokenPipeError";
      expect(r.out).toContain(`client closed\nb'hello' b''\n${last}\ndone`);
      expect(r.code).toBe(0);
    }, 30000);
  }

  test(`${rt}: a timed-out reply to a peer that never reads holds the program at most 10 s after close()`, async () => {
    const t0 = Date.now();
    const r = await run(rt, "stalled_peer_exit.ts");
    expect(r.out).toContain("TimeoutError: timed out\nclosed");
    expect(r.code).toBe(0); // a program still alive after 20 s is killed (code null)
    console.log(`${rt}: exited ${((Date.now() - t0) / 1000).toFixed(1)} s after start`);
  }, 30000);

  test(`${rt}: a timed recv holds the program until it times out; after a timed recv got its reply, the program ends`, async () => {
    await withPeer(
      (c) => setTimeout(() => c.end("late reply"), 1500),
      async (port) => {
        const r = await run(rt, "timed_wait_exit.ts", [String(port)]);
        expect(r.out).toContain("TimeoutError: timed out\ngot b'late reply'");
        expect(r.code).toBe(0); // held by the 60 s timeout, it would be killed after 20 s (code null)
      },
    );
  }, 30000);

  // Bun's own connect cannot be stopped (docs/differences.md #43): on Bun, the Node adapter's is.
  test(`${rt}${rt === "bun" ? ", node adapter" : ""}: close() stops a non-blocking connect in progress and the program ends`, async () => {
    const srv = spawn("python3", [path.join(ROOT, "test", "fixtures", "full_backlog_server.py")], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        srv.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /Listening on \('127\.0\.0\.1', (\d+)\)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        srv.once("exit", () => reject(new Error(`server exited: ${out}`)));
      });
      const r = await run(rt, "nonblocking_connect_close.ts", rt === "bun" ? [String(port), "node"] : [String(port)]);
      expect(r.out).toContain("connect_ex 115\nclosed");
      expect(r.code).toBe(0); // held by the kernel's SYN retries (35 s here), it would be killed after 20 s
    } finally {
      srv.kill("SIGTERM");
    }
  }, 30000);

  test(`${rt}: a program that ends with input it never read resets the connection${rt === "deno" ? " (Deno: FIN, differences #6)" : ""}`, async () => {
    let outcome: (s: string) => void = () => undefined;
    const seen = new Promise<string>((r) => (outcome = r));
    const peer = (c: net.Socket): void => {
      let got = "";
      c.write("go\nEXTRA");
      c.on("data", (d: Buffer) => (got += d.toString()));
      c.on("error", (e: NodeJS.ErrnoException) => outcome(`${got}|${e.code}`));
      c.on("end", () => outcome(`${got}|EOF`));
    };
    await withPeer(peer, async (port) => {
      const r = await run(rt, "exit_unread.ts", [String(port)]);
      expect(r.out).toContain("got b'go\\n'\ndone");
      expect(r.code).toBe(0);
      expect(await seen).toBe(rt === "deno" ? "bye\n|EOF" : "bye\n|ECONNRESET");
    });
  }, 30000);

  test(`${rt}: a program waiting in recv() is kept alive until the reply comes`, async () => {
    await withPeer(
      (c) => setTimeout(() => c.end("late reply"), 1500),
      async (port) => {
        const r = await run(rt, "wait_for_reply.ts", [String(port)]);
        expect(r.out).toContain("got b'late reply'");
        expect(r.code).toBe(0);
      },
    );
  }, 30000);
}

// A fresh process (the copy pool has no block yet) whose first datagram is empty: Deno's native
// UDP crashed in the receive callback, its node:dgram dropped the datagram.
for (const rt of runtimes) {
  // (Not the Node adapter under Deno: out of descriptors Deno itself panics there, in its signal
  // handling, before socketpair() runs out — differences #97.)
  for (const adapter of rt === "node" ? ["node"] : rt === "bun" ? ["bun", "node"] : ["deno"]) {
    // Limits of both parities: the runtimes' own descriptors leave one end of a pair or none.
    for (const limit of [63, 64]) {
      test(`${rt}, ${adapter} adapter, ulimit -n ${limit}: socketpair() out of descriptors raises [Errno 24], then works again`, async () => {
        const [cmd, argv] = runtimeCommand(rt, path.join(ROOT, "test", "fixtures", "socketpair_limit.ts"), adapter === "node" ? ["node"] : []);
        const quoted = [cmd, ...argv].map((a) => `'${a}'`).join(" ");
        const { code, output } = await runProgram("bash", ["-c", `ulimit -n ${limit}; exec ${quoted}`], 20000);
        expect(output).toContain("some pairs, then OSError 24 [Errno 24] Too many open files\nb'again'");
        expect(code).toBe(0);
      }, 30000);
    }
  }
}

for (const [rt, flags] of [["node", []], ["bun", []], ["deno", ["--unstable-net"]], ["deno", []]] as const) {
  test(`${rt}${flags.length ? " " + flags.join(" ") : ""}: a fresh process sends and receives empty datagrams first: (b'', addr) each time`, async () => {
    const [cmd, argv] = runtimeCommand(rt, path.join(ROOT, "test", "fixtures", "empty_datagrams.ts"), [], [...flags]);
    const { code, output } = await runProgram(cmd, argv, 20000);
    expect(output).toContain("b'' true\n5 true\nb'' true\n9000 true\nb'' true\nb'' true\nb''\ndone");
    expect(code).toBe(0);
  }, 30000);
}

// socketpair() meets in the abstract namespace on Linux: no socket file, so Deno needs no
// --allow-read/--allow-write for it (a file in /tmp raised PermissionError [Errno 13]).
for (const flags of [[], ["--unstable-net"]]) {
  test(`deno run --allow-net${flags.length ? " " + flags.join(" ") : ""}: socketpair() needs no file-system permission`, async () => {
    const deno = path.join(ROOT, "node_modules", ".bin", "deno");
    const fixture = path.join(ROOT, "test", "fixtures", "socketpair_echo.ts");
    const { code, output } = await runProgram(deno, ["run", "--allow-net", ...flags, fixture], 20000);
    expect(output).toContain(`b'ping' ["",""]\ndone`);
    expect(code).toBe(0);
  }, 30000);
}

// A handler that returns at EOF without close(): the collector closes the connection (its peer
// gets FIN), as CPython's reference counting does; else each kept an OS descriptor for good.
for (const [rt, flags] of [["node", ["--expose-gc"]], ["bun", []], ["deno", ["--v8-flags=--expose-gc"]]] as const) {
  test(`${rt}: connections dropped unclosed after EOF are closed when collected (the peer reads EOF)`, async () => {
    const [cmd, argv] = runtimeCommand(rt, path.join(ROOT, "test", "fixtures", "dropped_at_eof.ts"), [], [...flags]);
    const { code, output } = await runProgram(cmd, argv, 30000);
    expect(output).toContain("closed by the collector: 20 of 20");
    expect(code).toBe(0);
  }, 40000);
}
