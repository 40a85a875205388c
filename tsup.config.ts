import { defineConfig, type Options } from "tsup";

// Core first (adapters' .d.ts import its types), then the three adapters.
// `npm run build` runs the stages core → node → adapters (Bun and Deno import the Node adapter;
// the examples, which import only @polysock/core, are built with the adapters).
const pkg = (name: string): Options => ({
  entry: { index: `packages/${name}/src/index.ts` },
  outDir: `packages/${name}/dist`,
  format: ["esm", "cjs"],
  dts: { compilerOptions: { composite: false } },
  tsconfig: `packages/${name}/tsconfig.json`,
  target: "es2022",
  platform: "neutral",
  sourcemap: false,
  clean: true,
  splitting: false,
  treeshake: false,
  external: ["#runtime", /^@polysock\//, /^node:/],
  // Keep `node:` specifiers as written (tsup strips them by default): Deno and Bun resolve them
  // everywhere, and Node >= 20 needs no bare-builtin fallback.
  removeNodeProtocol: false,
  // Core's class names as written (`OSError`, not a bundler's `_OSError`): ported code reads
  // `e.constructor.name` as Python's `type(e).__name__`. (Adapters: no per-call name wrappers.)
  keepNames: name === "core",
});

// The examples as plain ESM JavaScript (examples/dist/NAME.js), so `polysock-examples`
// (examples/bin/polysock-examples.mjs) runs them under Node without a TypeScript loader.
const examples: Options = {
  entry: {
    tcp_echo_server: "examples/tcp_echo_server.ts",
    tcp_echo_client: "examples/tcp_echo_client.ts",
    udp_echo_server: "examples/udp_echo_server.ts",
    udp_echo_client: "examples/udp_echo_client.ts",
  },
  outDir: "examples/dist",
  format: ["esm"],
  dts: false,
  target: "es2022",
  platform: "node",
  sourcemap: false,
  clean: true,
  splitting: false,
  treeshake: false,
  removeNodeProtocol: false,
  external: [/^@polysock\//, /^node:/],
};

export default defineConfig((opts) => {
  const stage = (opts.env as Record<string, string> | undefined)?.STAGE;
  if (stage === "core") return [pkg("core")];
  if (stage === "node") return [pkg("node")];
  if (stage === "adapters") return [pkg("bun"), pkg("deno"), examples];
  return [pkg("core"), pkg("node"), pkg("bun"), pkg("deno"), examples];
});
