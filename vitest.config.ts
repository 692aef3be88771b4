import { defineConfig } from "vitest/config";

// `npm test` runs everything but the end-to-end suites, which build and install a release or drive
// a browser and take minutes; `npm run test:e2e` runs those (see vitest.e2e.config.ts).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "**/node_modules/**"],
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
