// polysock "sink": accepts TCP connections and never calls recv() (flood test). The
// peer must be held back by TCP flow control: the process keeps only a small, fixed
// read-ahead per socket (SPEC: "Reading is bounded").
// Usage: <runtime> bench/servers/polysock_tcp_sink.ts [PORT]   Prints "READY <port> <pid>".
import process from "node:process";
import * as socket from "@polysock/core";

const port = Number(process.argv[2] ?? 0);
const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
await srv.bind(["127.0.0.1", port]);
await srv.listen(511);
console.log(`READY ${srv.getsockname()[1]} ${process.pid}`);
const held: socket.Socket[] = [];
for (;;) {
  const [conn] = await srv.accept();
  held.push(conn);
}
