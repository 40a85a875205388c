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
import { lookup as dnsLookup } from "node:dns/promises";
import { hostname } from "node:os";
import type { Adapter } from "@polysock/core";
import { connect } from "./connect.js";
import { bindDatagram } from "./datagram.js";
import { listen } from "./listener.js";

export { bindDatagram, connect, listen };

/** Resolve `host` with the system resolver (getaddrinfo), in its order. */
export async function lookup(host: string, family: 0 | 4 | 6): Promise<{ address: string; family: 4 | 6 }[]> {
  const res = await dnsLookup(host, { all: true, family, verbatim: true });
  return res.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
}

/** The Bun adapter. */
export const adapter: Adapter = {
  name: "bun",
  capabilities: { connectFromLocalAddress: true, reusePort: true, unix: true },
  listen,
  connect,
  bindDatagram,
  lookup,
  hostname: () => hostname(),
};
