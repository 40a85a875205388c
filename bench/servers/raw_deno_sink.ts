// Raw Deno "sink": accepts TCP connections and never calls read() (flood test baseline).
// Usage: deno run --allow-net bench/servers/raw_deno_sink.ts [PORT]   Prints "READY <port> <pid>".
export {}; // a module: top-level await, and these names stay local

declare const Deno: {
  args: string[];
  pid: number;
  listen(o: { hostname: string; port: number }): { addr: { port: number }; accept(): Promise<unknown> };
};

const port = Number(Deno.args[0] ?? 0);
const listener = Deno.listen({ hostname: "127.0.0.1", port });
console.log(`READY ${listener.addr.port} ${Deno.pid}`);
const held: unknown[] = [];
for (;;) {
  try {
    held.push(await listener.accept());
  } catch {
    // a client reset before accept (denoland/deno#8499): keep accepting
  }
}
