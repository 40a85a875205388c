// Pack test: the published tarballs, installed alone in a fresh app outside the workspace,
// run a TCP echo round trip on Node (ESM and CommonJS), Bun and Deno, and type-check with tsc.
// Needs a build (`npm test` builds first). Nothing resolves from the workspace's node_modules:
// every step runs with cwd set to the temp app in os.tmpdir(); only the tools (npm, tsc, bun,
// deno) come from the workspace, and @types/node is copied, not downloaded.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ROOT } from "./_spawn.js";

const PACKAGES = ["core", "node", "bun", "deno"];
const bin = (name: string): string => path.join(ROOT, "node_modules", ".bin", name);

let tmp = "";
let app = "";

/** The environment of every child: no NODE_PATH, no inherited npm workspace settings. */
function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  for (const k of Object.keys(e)) if (k === "NODE_PATH" || k.startsWith("npm_")) delete e[k];
  return e;
}

function run(cmd: string, args: string[], cwd: string, timeout = 30_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: env(), encoding: "utf8", timeout });
  if (r.status !== 0) {
    console.log(`$ ${cmd} ${args.join(" ")}  (cwd ${cwd}) -> ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

// One file, server and client, written for all runtimes. No `await using` (Node 20 cannot
// parse it in plain JS); try/finally does the same.
const ECHO_BODY = `
const server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
try {
  await server.bind(["127.0.0.1", 0]);
  await server.listen();
  const [, port] = server.getsockname();
  const serving = (async () => {
    const [conn] = await server.accept();
    try {
      while (true) {
        const data = await conn.recv(1024);
        if (!data.length) break;
        await conn.sendall(data);
      }
    } finally {
      await conn.close();
    }
  })();
  const client = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const chunks = [];
  try {
    await client.connect(["127.0.0.1", port]);
    await client.sendall(MESSAGE);
    await client.shutdown(socket.SHUT_WR);
    while (true) {
      const data = await client.recv(1024);
      if (!data.length) break;
      chunks.push(data.decode());
    }
  } finally {
    await client.close();
  }
  await serving;
  console.log("echo: " + chunks.join(""));
} finally {
  await server.close();
}
`;

const ESM = `import * as socket from "@polysock/core";
const MESSAGE = "hello from " + (globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node") + " esm";
${ECHO_BODY}`;

const CJS = `const socket = require("@polysock/core");
const MESSAGE = "hello from node cjs";
(async () => {
${ECHO_BODY}
})().catch((e) => { console.error(e); process.exit(1); });
`;

// The typed API, checked with --strict and skipLibCheck false against the shipped .d.ts (ESM)
// and .d.cts (CommonJS), with only @types/node installed.
const TS = `import * as socket from "@polysock/core";
import { OSError } from "@polysock/core";

export async function echo(port: number): Promise<string> {
  await using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.settimeout(5);
  await s.connect(["127.0.0.1", port] as const);
  await s.sendall("hi");
  await s.shutdown(socket.SHUT_WR);
  const data = await s.recv(1024);
  const text: string = data.decode();
  const bytes: Uint8Array = data;
  void bytes;
  return text;
}

export function describe(e: unknown): number | null | undefined {
  return e instanceof OSError ? e.errno : undefined;
}
`;

const CTS = `import socket = require("@polysock/core");

export async function port(): Promise<number> {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  try {
    await s.bind(["127.0.0.1", 0]);
    const addr = s.getsockname(); // AF_INET: [host, port]; AF_UNIX: a path
    return typeof addr === "string" ? -1 : Number(addr[1]);
  } finally {
    await s.close();
  }
}
`;

beforeAll(() => {
  for (const p of PACKAGES) {
    const dist = path.join(ROOT, "packages", p, "dist", "index.js");
    if (!fs.existsSync(dist)) throw new Error(`${dist} missing: run \`npm run build\` first`);
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "polysock-pack-"));
  const tarballs = path.join(tmp, "tarballs");
  app = path.join(tmp, "app");
  fs.mkdirSync(tarballs);
  fs.mkdirSync(app);

  const files: string[] = [];
  for (const p of PACKAGES) {
    const r = run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tarballs], path.join(ROOT, "packages", p));
    expect(r.status).toBe(0);
    const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
    // Only dist (and core's runtime.d.ts) plus package.json ship: no src, no deno.json.
    for (const f of info!.files) expect(f.path).toMatch(/^(dist\/|package\.json$|runtime\.d\.ts$|README|LICENSE)/);
    files.push(path.join(tarballs, info!.filename));
  }

  fs.writeFileSync(
    path.join(app, "package.json"),
    JSON.stringify({ name: "polysock-pack-app", version: "0.0.0", private: true, type: "module" }, null, 2),
  );
  const r = run("npm", ["install", "--no-audit", "--no-fund", "--offline", "--ignore-scripts", ...files], app, 60_000);
  expect(r.status).toBe(0);

  // @types/node (and its one dependency) copied from the workspace, not downloaded.
  for (const dep of ["@types/node", "undici-types"]) {
    fs.cpSync(path.join(ROOT, "node_modules", dep), path.join(app, "node_modules", dep), { recursive: true, dereference: true });
  }
  fs.writeFileSync(path.join(app, "echo.mjs"), ESM);
  fs.writeFileSync(path.join(app, "echo.cjs"), CJS);
  fs.writeFileSync(path.join(app, "check.ts"), TS);
  fs.writeFileSync(path.join(app, "check.cts"), CTS);
}, 90_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test("the tarballs install alone and hold each package's manifest", () => {
  for (const p of PACKAGES) {
    const pkg = JSON.parse(fs.readFileSync(path.join(app, "node_modules", "@polysock", p, "package.json"), "utf8"));
    expect(pkg.version).toBe("0.1.0");
    // Installed from the tarball, not a symlink into the workspace.
    expect(fs.lstatSync(path.join(app, "node_modules", "@polysock", p)).isSymbolicLink()).toBe(false);
  }
});

test("node, ESM: TCP echo round trip", () => {
  const r = run(process.execPath, ["echo.mjs"], app);
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toBe("echo: hello from node esm");
});

test("node, CommonJS (require): TCP echo round trip", () => {
  const r = run(process.execPath, ["echo.cjs"], app);
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toBe("echo: hello from node cjs");
});

test("bun: TCP echo round trip", () => {
  const r = run(bin("bun"), ["--no-install", "echo.mjs"], app);
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toBe("echo: hello from bun esm");
});

test("deno run --allow-net: TCP echo round trip", () => {
  const r = run(bin("deno"), ["run", "--allow-net", "echo.mjs"], app, 60_000);
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toBe("echo: hello from deno esm");
});

test("tsc --strict with only @types/node, skipLibCheck false: .d.ts (ESM) and .d.cts (CJS)", () => {
  const r = run(
    process.execPath,
    [
      path.join(ROOT, "node_modules", "typescript", "bin", "tsc"),
      "--noEmit",
      "--strict",
      "--skipLibCheck",
      "false",
      "--target",
      "es2022",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--types",
      "node",
      "check.ts",
      "check.cts",
    ],
    app,
    60_000,
  );
  expect(r.stdout + r.stderr).toBe("");
  expect(r.status).toBe(0);
});
