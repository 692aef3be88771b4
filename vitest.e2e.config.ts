import { defineConfig } from "vitest/config";

// The end-to-end suites: the packed release installed and run as users run it, and the sandbox in
// Chromium. Slow by nature, so apart from `npm test`.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
