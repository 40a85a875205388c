/**
 * `@polysock/node`: the polysock adapter over `node:net`, `node:dgram` and `node:dns`.
 * `@polysock/core` picks it by itself on Node; import it explicitly to use it elsewhere
 * (it also runs under Bun's and Deno's Node compatibility):
 *
 * @example Choosing the Node adapter explicitly
 * ```ts
 * import { useAdapter } from "@polysock/core";
 * import { adapter } from "@polysock/node";
 * useAdapter(adapter);
 * ```
 * @module
 */
import * as dns from "node:dns";
import * as fs from "node:fs";
import * as os from "node:os";
import type { Adapter } from "@polysock/core";
import { connect } from "./connect.js";
import { bindDatagram } from "./datagram.js";
import { listen } from "./listener.js";

export { bindDatagram, connect, listen };

/** Resolve `host` with the system resolver (getaddrinfo), in its order. */
export async function lookup(host: string, family: 0 | 4 | 6): Promise<{ address: string; family: 4 | 6 }[]> {
  const res = await dns.promises.lookup(host, { all: true, family, verbatim: true });
  return res.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
}

/** The host name of `ip` from the system resolver's getnameinfo, or `null` if it has none. */
export async function reverse(ip: string): Promise<string | null> {
  try {
    return (await dns.promises.lookupService(ip, 0)).hostname || null;
  } catch {
    return null; // ENOTFOUND: no name (getnameinfo with NI_NAMEREQD)
  }
}

// node:net honours `reusePort` from Node 23 on (ignored by Node 20/22), and in Bun's and Deno's node:net.
const reusePort =
  "Bun" in globalThis || "Deno" in globalThis || Number(process.versions.node.split(".")[0]) >= 23;

/** The Node adapter. */
export const adapter: Adapter = {
  name: "node",
  capabilities: { connectFromLocalAddress: true, reusePort, unix: true, multicast: true },
  listen,
  connect,
  bindDatagram,
  lookup,
  hostname: () => os.hostname(),
  files: { listDir: (p) => fs.readdirSync(p), readText: (p) => fs.readFileSync(p, "utf8") },
  reverse,
};
