// --- A unix socket's file outlives the socket, as on Linux ---
//
// close(2) leaves the file a unix socket was bound to on disk (CPython's `os.unlink(path)` after
// `sock.close()` relies on it; connecting to it then gives ECONNREFUSED, binding it EADDRINUSE).
// Node, Bun and Deno unlink it when their listener closes, so core keeps a second name (a hard
// link) across the close and puts the file back under its own name afterwards.

interface Fs {
  linkSync(from: string, to: string): void;
  unlinkSync(path: string): void;
}

type Perm = { state: string };
const runtime = globalThis as {
  process?: { getBuiltinModule?(id: "node:fs"): Fs | undefined; pid?: number };
  Deno?: { permissions?: { querySync?(d: { name: "read" | "write"; path: string }): Perm } };
};

let fs: Fs | null | undefined;
let seq = 0;

/** node:fs when the runtime lends it synchronously, and (Deno) when the program may write `path`: never a prompt. */
function fsFor(path: string): Fs | null {
  const perms = runtime.Deno?.permissions;
  if (perms !== undefined) {
    try {
      for (const name of ["read", "write"] as const) if (perms.querySync?.({ name, path })?.state !== "granted") return null;
    } catch {
      return null;
    }
  }
  if (fs === undefined) {
    try {
      fs = runtime.process?.getBuiltinModule?.("node:fs") ?? null;
    } catch {
      fs = null;
    }
  }
  return fs;
}

/**
 * Before a runtime closes a listener bound to the unix socket file `path`: keep the file.
 * @returns what puts it back under `path` once the close is done (never replacing a file a
 * new socket bound meanwhile), or null when there is nothing to keep (abstract or unnamed
 * socket, no access: the runtime's removal stands).
 */
export function keepSocketFile(path: string): (() => void) | null {
  if (path === "" || path.charCodeAt(0) === 0) return null;
  const f = fsFor(path);
  if (f === null) return null;
  const spare = `${path}.polysock-${runtime.process?.pid ?? 0}-${++seq}`;
  try {
    f.linkSync(path, spare);
  } catch {
    return null;
  }
  return () => {
    try {
      f.linkSync(spare, path);
    } catch {
      // the path exists again (a new bind) or the directory went: leave it
    }
    try {
      f.unlinkSync(spare);
    } catch {
      // already gone
    }
  };
}
