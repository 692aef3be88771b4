// Which test files are slow enough to run apart from `npm test`: the end-to-end suites (a packed
// release installed and run, the sandbox in Chromium) and the suites that kill, restart or fill
// whole servers to prove durability. Both configs read this list, so a file is in exactly one suite.
export const slowSuites = [
  "test/e2e/**/*.test.ts",
  "test/reliability/**/*.test.ts",
  "test/integration/store/backup-restore.test.ts",
  "test/integration/store/pglite-data-dir.test.ts",
  "test/integration/store/crash-durability.test.ts",
  // Two whole incidents driven through the running bot and exported by the CLI, each against a golden file.
  "test/integration/postmortem-times.test.ts",
  // The invalid-index outage through the running bot, a real PostgreSQL index rebuilt on approval, exported against a golden file.
  "test/integration/postmortem-remediation.test.ts",
  // Publishing spaces GitHub writes a second apart, as GitHub asks: over 20 s on a shared machine.
  "test/integration/followups-tracked.test.ts",
  // Four emulators and a PGlite store: over 20 s on a busy machine.
  "test/integration/postmortem-chart.test.ts",
  // Real serve processes racing for one data directory.
  "test/integration/data-dir-lock.test.ts",
  // Lost answers retried through whole publish and channel flows, GitHub's one-second write spacing
  // included: 20–50 s each.
  "test/integration/writes-once.test.ts",
  "test/integration/github-writes-once.test.ts",
  // Real `serve` and `doctor` processes started, stopped and signalled.
  "test/integration/serve.test.ts",
  "test/integration/doctor-cli.test.ts",
  // Thousands of rows written and swept on both drivers.
  "test/integration/store/retention.test.ts",
];
