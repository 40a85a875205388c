// Type-checking stand-in for the two `@polysock/node` functions this adapter reuses
// (tsconfig `paths` points here): the real module's source needs @types/node, which must
// not enter this package. Their types are the contract's, so nothing can drift.
import type { Adapter } from "@polysock/core";

export declare const bindDatagram: Adapter["bindDatagram"];
export declare const lookup: Adapter["lookup"];
