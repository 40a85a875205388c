// The example servers on each runtime, started from Node: a CPython client gets its echo,
// and SIGTERM makes the server close and exit 0.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { expect, test } from "vitest";
import { listeningPort } from "./_listening.js";
import { ROOT, runtimeCommand } from "./_spawn.js";

async function startServer(runtime: "node" | "bun" | "deno", name: string): Promise<[ReturnType<typeof spawn>, number]> {
  const [cmd, args] = runtimeCommand(runtime, path.join(ROOT, "examples", `${name}.ts`), ["--port", "0"]);
  const child = spawn(cmd, runtime === "deno" ? args.map((a) => (a === "-A" ? "--allow-net" : a)) : args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return [child, await listeningPort(child)];
}

function run(cmd: string, args: string[]): Promise<[number | null, string]> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    c.stdout!.on("data", (d) => (out += d));
    const timer = setTimeout(() => c.kill("SIGKILL"), 20000);
    c.on("close", (code) => {
      clearTimeout(timer);
      resolve([code, out]);
    });
  });
}

for (const runtime of ["node", "bun", "deno"] as const) {
  for (const proto of ["tcp", "udp"]) {
    test(`${proto}_echo_server on ${runtime}: echoes a CPython client, exits 0 on SIGTERM`, async () => {
      const [srv, port] = await startServer(runtime, `${proto}_echo_server`);
      const exited = new Promise<[number | null, string | null]>((r) => srv.on("exit", (c, s) => r([c, s])));
      const [code, out] = await run("python3", [path.join(ROOT, "test/fixtures", `${proto}_echo_client.py`), "--port", String(port), `hi ${runtime}`]);
      expect(code).toBe(0);
      expect(out.trim()).toBe(`Received b'hi ${runtime}'`);
      srv.kill("SIGTERM");
      const timer = setTimeout(() => srv.kill("SIGKILL"), 10000);
      expect(await exited).toEqual([0, null]);
      clearTimeout(timer);
    }, 60000);
  }
}
