// Which test files are slow enough to run apart from `npm test`: the end-to-end suites (a packed
// release installed and run, the sandbox in Chromium) and the suites that kill, restart or fill
// whole servers to prove durability. Both configs read this list, so a file is in exactly one suite.
export const slowSuites = [
  "test/e2e/**/*.test.ts",
  "test/reliability/**/*.test.ts",
  "test/integration/store/backup-restore.test.ts",
  "test/integration/store/pglite-data-dir.test.ts",
  "test/integration/store/crash-durability.test.ts",
  "test/integration/data-dir-lock.test.ts",
];
