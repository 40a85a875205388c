import { defineConfig, type Options } from "tsup";

// Core first (adapters' .d.ts import its types), then the three adapters.
// `npm run build` runs the stages core → node → adapters (Bun and Deno import the Node adapter).
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
});

export default defineConfig((opts) => {
  const stage = (opts.env as Record<string, string> | undefined)?.STAGE;
  if (stage === "core") return [pkg("core")];
  if (stage === "node") return [pkg("node")];
  if (stage === "adapters") return [pkg("bun"), pkg("deno")];
  return [pkg("core"), pkg("node"), pkg("bun"), pkg("deno")];
});
