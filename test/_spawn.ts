// Runs the conformance suite in a child runtime and returns its summary.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as path from "node:path";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string): string => path.join(ROOT, "node_modules", ".bin", name);

/** The command line that runs `file` (a .ts path) on `runtime`. */
export function runtimeCommand(
  runtime: "node" | "bun" | "deno",
  file: string,
  args: string[] = [],
  flags: string[] = [],
): [string, string[]] {
  if (runtime === "node") return [process.execPath, [...flags, "--import", "tsx", file, ...args]];
  if (runtime === "bun") return [bin("bun"), [...flags, file, ...args]];
  return [bin("deno"), ["run", "-A", ...flags, file, ...args]];
}

export interface SuiteResult {
  code: number | null;
  passed: number;
  failed: number;
  output: string;
  summary: string;
}

/** Run `cmd args` in the repo; killed after `timeoutMs`. Resolves with its exit code (null if killed) and output. */
export function runProgram(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Run test/run-suite.ts on `runtime` (with runtime `flags`) and `adapter`, bounded by `timeoutMs`. */
export async function runSuite(
  runtime: "node" | "bun" | "deno",
  adapter: string,
  flags: string[] = [],
  timeoutMs = 540_000,
): Promise<SuiteResult> {
  const [cmd, args] = runtimeCommand(runtime, path.join(ROOT, "test", "run-suite.ts"), ["--adapter", adapter], flags);
  const { code, output } = await runProgram(cmd, args, timeoutMs);
  const m = /^(\S+): (\d+) passed, (\d+) failed$/m.exec(output);
  return {
    code,
    passed: m ? Number(m[2]) : 0,
    failed: m ? Number(m[3]) : -1,
    output,
    summary: m ? m[0] : `${runtime}/${adapter}: no summary (exit ${code})`,
  };
}
