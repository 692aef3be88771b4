import { defineConfig } from "vitest/config";
import { slowSuites } from "./vitest.suites.js";

// The slow suites (vitest.suites.ts): the packed release installed and run as users run it, the
// sandbox in Chromium, and the durability suites that kill, restart and back up whole servers.
export default defineConfig({
  test: {
    include: slowSuites,
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
