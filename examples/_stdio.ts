// Binary stdin/stdout for the clients (`-` as the message, `--raw` output), on Node, Bun and Deno.

interface DenoStdio {
  stdin: { readable: ReadableStream<Uint8Array> };
  stdout: { write(p: Uint8Array): Promise<number> };
}

const deno = (): DenoStdio | undefined => (globalThis as { Deno?: DenoStdio }).Deno;

/**
 * Read all of stdin, like Python's `sys.stdin.buffer.read()`.
 * @returns every byte until EOF
 */
export async function readStdin(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const d = deno();
  if (d) {
    const reader = d.stdin.readable.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  } else {
    for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Write bytes to stdout and wait until they are out, like `sys.stdout.buffer.write(data)`.
 * @param data the bytes, written unchanged
 */
export async function writeStdout(data: Uint8Array): Promise<void> {
  const d = deno();
  if (d) {
    for (let at = 0; at < data.length; ) at += await d.stdout.write(data.subarray(at));
    return;
  }
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(data, (err) => (err ? reject(err) : resolve())),
  );
}
