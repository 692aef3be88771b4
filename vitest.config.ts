import { defineConfig } from "vitest/config";
import { slowSuites } from "./vitest.suites.js";

// `npm test` runs everything but the slow suites listed in vitest.suites.ts; `npm run test:e2e`
// runs those (see vitest.e2e.config.ts).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...slowSuites, "**/node_modules/**"],
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
