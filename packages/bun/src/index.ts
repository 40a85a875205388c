/**
 * `@polysock/bun`: the polysock adapter over `Bun.listen`, `Bun.connect` and
 * `Bun.udpSocket` (names resolved with `node:dns`, which Bun provides).
 * `@polysock/core` picks it by itself on Bun; import it explicitly to choose it:
 *
 * @example Choosing the Bun adapter explicitly
 * ```ts
 * import { useAdapter } from "@polysock/core";
 * import { adapter } from "@polysock/bun";
 * useAdapter(adapter);
 * ```
 * @module
 */
import type { Adapter } from "@polysock/core";
import { connect } from "./connect.js";
import { bindDatagram } from "./datagram.js";
import { listen } from "./listener.js";

export { bindDatagram, connect, listen };

// node:dns and node:os are loaded on first use: importing them costs Bun ~2.5 MiB of RSS.
type Dns = typeof import("node:dns/promises");
let dns: Promise<Dns> | null = null;
/** `process.getBuiltinModule` loads node:os synchronously (gethostname is synchronous). */
interface BunGlobals {
  process: {
    getBuiltinModule(id: "node:os"): typeof import("node:os");
    getBuiltinModule(id: "node:fs"): typeof import("node:fs");
  };
}
const builtin = (): BunGlobals["process"] => (globalThis as unknown as BunGlobals).process;

/** Resolve `host` with the system resolver (getaddrinfo), in its order. */
export async function lookup(host: string, family: 0 | 4 | 6): Promise<{ address: string; family: 4 | 6 }[]> {
  const { lookup: dnsLookup } = await (dns ??= import("node:dns/promises"));
  const res = await dnsLookup(host, { all: true, family, verbatim: true });
  return res.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
}

/** The host name of `ip` from the system resolver's getnameinfo, or `null` if it has none. */
export async function reverse(ip: string): Promise<string | null> {
  const { lookupService } = await (dns ??= import("node:dns/promises"));
  try {
    return (await lookupService(ip, 0)).hostname || null;
  } catch {
    return null; // ENOTFOUND: no name (getnameinfo with NI_NAMEREQD)
  }
}

/** The Bun adapter. */
export const adapter: Adapter = {
  name: "bun",
  capabilities: { connectFromLocalAddress: true, reusePort: true, unix: true, multicast: true },
  listen,
  connect,
  bindDatagram,
  lookup,
  reverse,
  hostname: () => builtin().getBuiltinModule("node:os").hostname(),
  files: {
    listDir: (p) => builtin().getBuiltinModule("node:fs").readdirSync(p),
    readText: (p) => builtin().getBuiltinModule("node:fs").readFileSync(p, "utf8"),
  },
};
