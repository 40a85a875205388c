// `npm run demo`: the examples talking to each other across runtimes.
//
// For TCP and then UDP, start the echo server on one runtime and the client on another
// (bun client -> deno server, deno client -> node server, node client -> bun server), on
// free loopback ports, and print what each client got back:
//
//   tcp: bun client -> deno server: Received b'hello from bun'
//
// Servers are stopped with SIGTERM (sent to their PID) and must exit 0. Every wait is
// bounded. Exits 1 if any echo or any server stop failed.
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

// --- types ---

type Runtime = "node" | "bun" | "deno";
type Proto = "tcp" | "udp";

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Running {
  child: ChildProcess;
  exited: Promise<Finished>;
  /** Everything written so far (the promise only resolves at exit). */
  output: { stdout: string; stderr: string };
}

// --- settings ---

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(ROOT, "node_modules", ".bin");
/** Bound on every wait: server ready, client done, server exit. */
const TIMEOUT_MS = 15_000;

const PAIRS: ReadonlyArray<{ client: Runtime; server: Runtime }> = [
  { client: "bun", server: "deno" },
  { client: "deno", server: "node" },
  { client: "node", server: "bun" },
];

/** How each runtime runs a TypeScript file: one process, so SIGTERM reaches the program itself. */
function command(runtime: Runtime, file: string): [string, string[]] {
  switch (runtime) {
    case "node":
      return [process.execPath, ["--import", "tsx", file]];
    case "bun":
      return [path.join(BIN, "bun"), [file]];
    case "deno":
      return [path.join(BIN, "deno"), ["run", "--allow-net", file]];
  }
}

// --- helpers ---

/** A port that was free a moment ago: bind port 0 and let the OS choose. */
function freePort(proto: Proto): Promise<number> {
  return new Promise((resolve, reject) => {
    if (proto === "tcp") {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    } else {
      const sock = createSocket("udp4");
      sock.once("error", reject);
      sock.bind(0, "127.0.0.1", () => {
        const { port } = sock.address();
        sock.close(() => resolve(port));
      });
    }
  });
}

function run(runtime: Runtime, example: string, args: string[]): Running {
  const [cmd, pre] = command(runtime, path.join(ROOT, "examples", `${example}.ts`));
  const child = spawn(cmd, [...pre, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const output = { stdout: "", stderr: "" };
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (output.stdout += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (output.stderr += s));
  const exited = new Promise<Finished>((resolve) => {
    child.once("error", (err) => {
      output.stderr += `spawn failed: ${err.message}\n`;
      resolve({ code: null, signal: null, ...output });
    });
    child.once("close", (code, signal) => resolve({ code, signal, ...output }));
  });
  return { child, exited, output };
}

/** Resolve with `p`, or with `undefined` after `ms`. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Wait for the server's `Listening on ...` line, for it to exit, or for the time limit. */
async function ready(server: Running): Promise<"ready" | "exited" | "timeout"> {
  const seen = new Promise<"ready" | "exited">((resolve) => {
    const check = (): void => {
      if (/^Listening on /m.test(server.output.stdout)) resolve("ready");
    };
    server.child.stdout!.on("data", check);
    check();
    void server.exited.then(() => resolve("exited"));
  });
  return (await within(seen, TIMEOUT_MS)) ?? "timeout";
}

/** SIGTERM to the server's PID, then wait (bounded) for it to exit. */
async function stop(server: Running): Promise<Finished | undefined> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.exited;
  server.child.kill("SIGTERM");
  const done = await within(server.exited, TIMEOUT_MS);
  if (done === undefined) {
    server.child.kill("SIGKILL");
    await within(server.exited, TIMEOUT_MS);
  }
  return done;
}

function tail(text: string, lines = 8): string {
  if (!text.trim()) return "    | (empty)";
  return text
    .trimEnd()
    .split("\n")
    .slice(-lines)
    .map((l) => `    | ${l}`)
    .join("\n");
}

// --- the demo ---

async function demo(proto: Proto, client: Runtime, server: Runtime): Promise<boolean> {
  const label = `${proto}: ${client} client -> ${server} server`;
  const message = `hello from ${client}`;
  const expected = `Received b'${message}'`;
  const problems: string[] = [];
  const port = String(await freePort(proto));

  const srv = run(server, `${proto}_echo_server`, ["--port", port]);
  let got = "";
  const state = await ready(srv);
  if (state !== "ready") {
    const how = state === "timeout" ? `not ready within ${TIMEOUT_MS / 1000} s` : "exited before it was ready";
    problems.push(`server ${how}`);
  } else {
    const cli = run(client, `${proto}_echo_client`, ["--port", port, message]);
    const done = await within(cli.exited, TIMEOUT_MS);
    if (done === undefined) {
      cli.child.kill("SIGKILL");
      await within(cli.exited, TIMEOUT_MS);
      problems.push(`client did not finish within ${TIMEOUT_MS / 1000} s (killed)`);
    } else {
      got = done.stdout.trim();
      if (done.code !== 0) problems.push(`client exited ${done.code ?? done.signal}`);
      if (got !== expected) problems.push(`expected ${JSON.stringify(expected)}`);
    }
    if (problems.length) problems.push(`client stderr:\n${tail(cli.output.stderr)}`);
  }

  const wasRunning = srv.child.exitCode === null && srv.child.signalCode === null;
  const stopped = await stop(srv);
  if (!wasRunning) problems.push(`server exited ${stopped?.code ?? stopped?.signal} on its own`);
  else if (stopped === undefined) problems.push(`server ignored SIGTERM for ${TIMEOUT_MS / 1000} s (killed)`);
  else if (stopped.code !== 0) problems.push(`server exited ${stopped.code ?? stopped.signal} after SIGTERM, not 0`);
  if (problems.some((p) => p.startsWith("server"))) problems.push(`server stderr:\n${tail(srv.output.stderr)}`);

  console.log(`${label}: ${got || "(nothing)"}`);
  for (const p of problems) console.log(`  FAILED: ${p}`);
  return problems.length === 0;
}

let failed = 0;
for (const proto of ["tcp", "udp"] as const) {
  for (const { client, server } of PAIRS) {
    if (!(await demo(proto, client, server))) failed++;
  }
}
console.log(failed ? `${failed} of ${PAIRS.length * 2} echoes failed` : `all ${PAIRS.length * 2} echoes ok`);
process.exitCode = failed ? 1 : 0;
