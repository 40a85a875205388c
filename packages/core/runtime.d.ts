// Types of the `#runtime` import: whichever adapter package the runtime's
// package.json condition picked (deno → @polysock/deno, bun → @polysock/bun,
// default → @polysock/node). Each exports `adapter`, an `Adapter` (see contract.ts).
export declare const adapter: unknown;
