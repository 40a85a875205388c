import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    // Each file spawns a runtime that binds loopback ports; two at a time suits a 2-core machine.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
