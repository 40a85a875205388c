// Python's socket enums (`socket.AddressFamily`, `SocketKind`, `MsgFlag`, `AddressInfo`) as callable
// objects: their members are the constants' numbers (polysock's family and type are plain numbers,
// docs/differences.md #38), and calling one checks a value as calling the enum class does.
import * as C from "./constants.js";
import { ValueError } from "./errors.js";
import { pyRepr } from "./_repr.js";

/**
 * A Python `IntEnum`/`IntFlag` class: members are properties (`AddressFamily.AF_INET === 2`),
 * iterating gives the members' values (aliases once), and calling it with a value returns the number.
 */
export type IntEnumClass<K extends string> = ((value: unknown) => number) & { readonly [P in K]: number } & Iterable<number>;

function intEnum<K extends string>(name: string, prefix: string, flag: boolean): IntEnumClass<K> {
  const members: Record<string, number> = {};
  for (const [k, v] of Object.entries(C)) if (k.startsWith(prefix) && typeof v === "number") members[k] = v;
  const values = [...new Set(Object.values(members))].sort((a, b) => a - b);
  const known = new Set(values);
  const span = 2 ** Math.max(...values).toString(2).length;
  const cls = (value: unknown): number => {
    const v = typeof value === "boolean" ? Number(value) : value;
    if (typeof v === "number" && Number.isInteger(v)) {
      if (!flag && known.has(v)) return v;
      // IntFlag keeps any bits; a negative value is taken modulo 2 ** (the bits the members span).
      if (flag && v >= 0) return v;
      if (flag) return ((v % span) + span) % span;
    }
    throw new ValueError(`${pyRepr(value)} is not a valid ${name}`);
  };
  Object.defineProperty(cls, "name", { value: name });
  Object.assign(cls, members);
  Object.defineProperty(cls, Symbol.iterator, { value: () => values[Symbol.iterator]() });
  return Object.freeze(cls) as unknown as IntEnumClass<K>;
}

type Members<P extends string> = Extract<keyof typeof C, `${P}${string}`>;

/** Like `socket.AddressFamily`: `AddressFamily.AF_INET` is `2`; `AddressFamily(2)` returns `2`, `AddressFamily(999)` raises ValueError. */
export const AddressFamily: IntEnumClass<Members<"AF_">> = intEnum("AddressFamily", "AF_", false);
/** Like `socket.SocketKind`: `SocketKind.SOCK_STREAM` is `1`; `SocketKind(1)` returns `1`. */
export const SocketKind: IntEnumClass<Members<"SOCK_">> = intEnum("SocketKind", "SOCK_", false);
/** Like `socket.MsgFlag` (an IntFlag): `MsgFlag.MSG_PEEK` is `2`; `MsgFlag(n)` returns `n`. */
export const MsgFlag: IntEnumClass<Members<"MSG_">> = intEnum("MsgFlag", "MSG_", true);
/** Like `socket.AddressInfo` (an IntFlag): `AddressInfo.AI_PASSIVE` is `1`. */
export const AddressInfo: IntEnumClass<Members<"AI_">> = intEnum("AddressInfo", "AI_", true);
