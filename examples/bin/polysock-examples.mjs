#!/usr/bin/env node
// polysock-examples NAME [--host HOST] [--port PORT] [message]
//
// Runs one of the examples (built to ../dist/NAME.js by `npm run build`) on whichever runtime
// runs this file: `npx polysock-examples ...` (Node), `bun --bun node_modules/.bin/polysock-examples ...`
// (Bun), `deno run --allow-net --allow-read examples/bin/polysock-examples.mjs ...` (Deno; the
// dynamic import of ../dist/NAME.js needs --allow-read). The example parses
// the arguments after NAME itself (`polysock-examples NAME --help` shows its own options).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import process from "node:process";

const EXAMPLES = {
  tcp_echo_server: "TCP echo server (--host 127.0.0.1, --port 65432, --quiet)",
  tcp_echo_client: "TCP echo client (--host, --port 65432, --raw, message; '-' reads stdin)",
  udp_echo_server: "UDP echo server (--host 127.0.0.1, --port 65433, --quiet)",
  udp_echo_client: "UDP echo client (--host, --port 65433, --raw, message; '-' reads stdin)",
};

const USAGE = `usage: polysock-examples [-h] NAME [--host HOST] [--port PORT] [message]

Runs a polysock example on the current runtime (Node, Bun or Deno).

examples:
${Object.entries(EXAMPLES).map(([name, what]) => `  ${name.padEnd(16)} ${what}`).join("\n")}

'polysock-examples NAME --help' shows the example's own options.`;

const deno = globalThis.Deno;
const args = deno ? [...deno.args] : process.argv.slice(2);
const [name, ...rest] = args;

if (name === undefined || name === "-h" || name === "--help") {
  (name === undefined ? console.error : console.log)(USAGE);
  process.exit(name === undefined ? 2 : 0);
}
if (!Object.hasOwn(EXAMPLES, name)) {
  console.error(`${USAGE}\npolysock-examples: error: unknown example '${name}'`);
  process.exit(2);
}

const url = new URL(`../dist/${name}.js`, import.meta.url);
let missing = false;
try {
  missing = url.protocol === "file:" && !existsSync(fileURLToPath(url));
} catch {
  // Deno without --allow-read: let the import below report it.
}
if (missing) {
  console.error(`polysock-examples: ${fileURLToPath(url)} is missing; run \`npm run build\` first`);
  process.exit(1);
}

// The example reads its arguments from process.argv (Node, Bun) or Deno.args (Deno): give it
// the ones after NAME, with its own name as the script, as if it had been started directly.
process.argv = [process.argv[0], fileURLToPath(url), ...rest];
if (deno) {
  try {
    Object.defineProperty(deno, "args", { value: rest, configurable: true });
  } catch {
    // Deno.args not redefinable: the example then sees NAME as its first argument.
  }
}
await import(url.href);
