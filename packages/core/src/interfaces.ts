// Network interface names and indexes: if_nameindex, if_nametoindex, if_indextoname.
import { OSError, OverflowError, ValueError, oserror } from "./errors.js";
import { errno as E } from "./errno.js";
import { argTypeName } from "./bytes.js";
import { pyList, type PyList } from "./_repr.js";
import { tuple } from "./address.js";
import { getAdapter } from "./runtime.js";
import { fromNative } from "./native-errors.js";
import { uintArgValue } from "./_args.js";

/**
 * The interfaces as `[index, name]` pairs sorted by index, as glibc's if_nameindex lists them
 * (over netlink); read from Linux's `/sys/class/net` through the adapter's file calls.
 */
function interfaces(): Array<[number, string]> {
  const files = getAdapter().files;
  if (files === undefined) throw oserror(E.EOPNOTSUPP);
  let names: string[];
  try {
    names = files.listDir("/sys/class/net");
  } catch (err) {
    throw fromNative(err); // e.g. Deno without --allow-read: PermissionError [Errno 13]
  }
  const out: Array<[number, string]> = [];
  for (const name of names) {
    let index: number;
    try {
      index = Number.parseInt(files.readText(`/sys/class/net/${name}/ifindex`), 10);
    } catch {
      continue; // gone since the listing, or no interface
    }
    if (Number.isInteger(index) && index > 0) out.push([index, name]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** The index of interface `name` (an IPv6 scope such as `fe80::1%lo`), `undefined` if there is none or no way to tell. */
export function interfaceIndex(name: string): number | undefined {
  try {
    return interfaces().find(([, n]) => n === name)?.[0];
  } catch {
    return undefined;
  }
}

/**
 * Like `socket.if_nameindex()`: a list of `(index, name)` tuples, one per network interface.
 * @example `socket.if_nameindex()` → `[(1, 'lo'), (2, 'eth0')]`
 * @throws PermissionError on Deno without read permission for `/sys/class/net` (`--allow-read` or `-A`).
 */
export function if_nameindex(...extra: unknown[]): PyList<[number, string]> {
  if (extra.length) throw new TypeError(`_socket.if_nameindex() takes no arguments (${extra.length} given)`);
  return pyList(interfaces().map(([i, n]) => tuple(i, n)));
}

/**
 * Like `socket.if_nametoindex(name)`: the index of the interface named `name` (str or bytes).
 * @example `socket.if_nametoindex("lo")` → `1`
 * @throws OSError `no interface with this name`
 */
export function if_nametoindex(name: string | Uint8Array): number {
  if (arguments.length !== 1) throw new TypeError(`if_nametoindex() takes exactly 1 argument (${arguments.length} given)`);
  const s = nameArg(name);
  const found = s === null ? undefined : interfaces().find(([, n]) => n === s);
  if (found === undefined) throw new OSError("no interface with this name");
  return found[0];
}

/**
 * Like `socket.if_indextoname(index)`: the name of the interface with index `index`.
 * @example `socket.if_indextoname(1)` → `'lo'`
 * @throws OSError `[Errno 6] No such device or address`
 */
export function if_indextoname(index: number | bigint): string {
  if (arguments.length !== 1) throw new TypeError(`if_indextoname() takes exactly 1 argument (${arguments.length} given)`);
  const i = indexArg(index);
  const found = interfaces().find(([n]) => n === i);
  if (found === undefined) throw oserror(E.ENXIO);
  return found[1];
}

/** A name as PyUnicode_FSConverter takes it (str or bytes); `null` when it is no interface name (not UTF-8 bytes). */
function nameArg(v: unknown): string | null {
  let s: string;
  if (typeof v === "string") s = v;
  else if (v instanceof Uint8Array) {
    try {
      s = new TextDecoder("utf-8", { fatal: true }).decode(v);
    } catch {
      return null;
    }
  } else throw new TypeError(`expected str, bytes or os.PathLike object, not ${argTypeName(v)}`);
  if (s.includes("\0")) throw new ValueError("embedded null byte");
  return s;
}

/** An index as CPython reads it: an int (bool too) converted to C unsigned long, then truncated to unsigned int. */
function indexArg(v: unknown): number {
  const b = uintArgValue(v);
  if (b < 0n) throw new OverflowError("can't convert negative value to unsigned int");
  if (b >= 1n << 64n) throw new OverflowError("Python int too large to convert to C unsigned long");
  return Number(b & 0xffffffffn);
}
