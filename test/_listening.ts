// The port a spawned server prints in its "Listening on ('host', port)" line (the examples and
// the CPython fixtures print one); used by test/examples.test.ts and test/suite/interop.ts.
import type { ChildProcess } from "node:child_process";

/** Resolve with the port once the line appears; reject (and kill) on exit or after `timeoutMs`. */
export function listeningPort(child: ChildProcess, timeoutMs = 20000): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start: ${out} ${err}`));
    }, timeoutMs);
    child.stderr?.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /Listening on \('[^']*', (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${out} ${err}`));
    });
  });
}
