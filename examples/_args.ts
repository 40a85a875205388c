// A tiny argparse for the examples: `--host`, `--port`, `--quiet` (servers), `--raw` and one
// optional positional message (clients). No dependency, and the same code on Node, Bun and Deno.

/** What the examples accept on the command line. */
export interface Args {
  /** `--host`, default `127.0.0.1`. */
  host: string;
  /** `--port`, default per program. */
  port: number;
  /** The positional message (clients only); `"-"` means "read it from stdin". */
  message: string;
  /** `--quiet` (servers only): no line per connection. */
  quiet: boolean;
  /** `--raw` (clients only): write the reply's bytes to stdout instead of `Received b'...'`. */
  raw: boolean;
}

/** How one program is called. */
export interface Program {
  /** Name shown in usage and error lines. */
  prog: string;
  /** Default for `--port`. */
  port: number;
  /** Default for the positional message; omit for servers (which take none). */
  message?: string;
}

/**
 * The program's arguments. `process.argv` exists on Node, Bun and Deno 2 (and a launcher such as
 * `polysock-examples` can rewrite it); `Deno.args` is the fallback for a Deno without `process`.
 */
function argv(): string[] {
  const proc = (globalThis as { process?: { argv: string[] } }).process;
  if (proc) return proc.argv.slice(2);
  return (globalThis as unknown as { Deno: { args: string[] } }).Deno.args;
}

function usage(p: Program): string {
  const rest = p.message === undefined ? "[--quiet]" : "[--raw] [message]";
  return `usage: ${p.prog} [-h] [--host HOST] [--port PORT] ${rest}`;
}

/** Exit like argparse does on a usage error: usage and message on stderr, status 2. */
function fail(p: Program, text: string): never {
  console.error(`${usage(p)}\n${p.prog}: error: ${text}`);
  process.exit(2);
}

/**
 * Parse the command line, like the CPython fixtures' `argparse` setup.
 * @param p the program's name and defaults
 * @returns the parsed arguments; prints usage and exits 2 on a bad one, 0 on `-h`
 */
export function parseArgs(p: Program): Args {
  const args: Args = { host: "127.0.0.1", port: p.port, message: p.message ?? "", quiet: false, raw: false };
  const rest = argv();
  let positional = 0;
  let optionsEnded = false; // after "--" everything is positional, as in argparse
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--" && !optionsEnded) {
      optionsEnded = true;
      continue;
    }
    const eq = !optionsEnded && arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = rest[++i];
      if (v === undefined) fail(p, `argument ${name}: expected one argument`);
      return v;
    };
    if (optionsEnded || arg === "-" || !arg.startsWith("-")) {
      if (p.message === undefined || positional > 0) fail(p, `unrecognized arguments: ${arg}`);
      args.message = arg;
      positional++;
    } else if (name === "-h" || name === "--help") {
      console.log(usage(p));
      process.exit(0);
    } else if (name === "--host") {
      args.host = value();
    } else if (name === "--port") {
      const v = value();
      if (!/^\d+$/.test(v)) fail(p, `argument --port: invalid int value: '${v}'`);
      args.port = Number(v);
    } else if (name === "--quiet" && p.message === undefined) {
      args.quiet = true;
    } else if (name === "--raw" && p.message !== undefined) {
      args.raw = true;
    } else {
      fail(p, `unrecognized arguments: ${arg}`);
    }
  }
  return args;
}
