// The `firebreak` command line. Each subcommand loads only the configuration it needs.
// A command's own modules are imported when it runs: `serve` starts sooner without the draft
// renderer, and `playbooks check` without the HTTP server.
import { otherHolder } from "./adapters/store/data-dir-holder.js";
import { ConfigError, loadConfig, type LoadOptions } from "./kernel/config.js";
import { createLogger } from "./kernel/log.js";

const help = `Usage: firebreak <command>

Commands:
  serve       run the bot: Slack, PagerDuty and Datadog webhooks, health endpoints (npm start)
  migrate     apply database migrations and exit
  doctor      check each configured integration and target with a harmless call; exit 1 on a failure
  demo [--port N]
              try Firebreak locally in a browser: local Slack, PagerDuty, Datadog and GitHub (npm run demo)
  manifest [--url URL] [--socket-mode]
              print the Slack app manifest for Firebreak served at URL
  postmortem <INC-id>
              print an incident's post-mortem draft as markdown
  playbooks check [paths...]
              check playbook files and directories (default ./playbooks) and exit
  backup <file>
              write the embedded database (FIREBREAK_DATA_DIR) to file; on PostgreSQL, use pg_dump
  restore <file> [--force]
              load a backup into the embedded data dir; --force replaces what is there
  help        show this help

Configuration comes from environment variables (see .env.example) and, optionally,
the firebreak.yaml named by FIREBREAK_CONFIG.`;

type Io = { env: Record<string, string | undefined>; stdout: (s: string) => void; stderr: (s: string) => void };
const defaultIo: Io = { env: process.env, stdout: (s) => process.stdout.write(`${s}\n`), stderr: (s) => process.stderr.write(`${s}\n`) };

export async function runCli(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "serve":
      return serve(io);
    case "migrate":
      return runMigrate(io);
    case "playbooks":
      return runPlaybooks(rest, io);
    case "manifest":
      return printManifest(rest, io);
    case "demo":
      return runDemo(rest, io);
    case "postmortem":
      return printPostmortem(rest, io);
    case "doctor":
      return runDoctorCommand(io);
    case "backup":
    case "restore":
      return runBackup(command, rest, io);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.stdout(help);
      return 0;
    default:
      io.stderr(`firebreak: unknown command "${[command, ...rest].join(" ")}"\n\n${help}`);
      return 2;
  }
}

function configure(io: Io, options: LoadOptions) {
  try {
    return loadConfig(io.env, options);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(error.message);
      return undefined;
    }
    throw error;
  }
}

async function serve(io: Io): Promise<number> {
  const config = configure(io, { require: ["slack"] });
  if (!config) return 2;
  const log = createLogger({ level: config.logLevel, secrets: config.secrets });
  // PGlite is one process's database: a second serve on the same data dir would corrupt it. A mark
  // left by a process that is no longer alive is stale and taken over when the database opens.
  const holder = config.database.kind === "pglite" ? otherHolder(config.database.dataDir) : undefined;
  if (holder?.alive === true && config.database.kind === "pglite") {
    io.stderr(
      `Firebreak cannot start: the embedded database in ${config.database.dataDir} is in use by process ${holder.pid} (another firebreak serve?). ` +
        "The embedded database is single-process: stop that process, set FIREBREAK_DATA_DIR to another directory, or set DATABASE_URL to run several processes on one PostgreSQL.",
    );
    return 1;
  }
  // The database opens while the rest of Firebreak loads: readiness waits on both, and most of
  // opening is waiting (files, WebAssembly, a connection) that module loading can fill.
  const { openAndMigrate } = await import("./adapters/store/open-store.js");
  const firstDatabaseAttempt = openAndMigrate(config.database, log);
  firstDatabaseAttempt.catch(() => undefined);
  const { createFirebreak } = await import("./main.js");
  let firebreak;
  try {
    firebreak = createFirebreak({ config: { ...config, slack: config.slack! }, log, firstDatabaseAttempt });
  } catch (error) {
    // Invalid playbooks: the message lists every problem as file:line:col.
    io.stderr(`Firebreak cannot start: ${error instanceof Error ? error.message : String(error)}`);
    await firstDatabaseAttempt.then(({ sql }) => sql.close(), () => undefined);
    return 2;
  }
  try {
    await firebreak.start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    log.fatal({ err: error }, code === "EADDRINUSE" ? `port ${config.port} is in use; set PORT to another port` : "could not start");
    await firebreak.stop();
    return 1;
  }
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, "shutting down: no new requests, finishing those in flight");
      resolve();
    };
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  });
  await firebreak.stop();
  log.flush();
  return 0;
}

async function runMigrate(io: Io): Promise<number> {
  const config = configure(io, {});
  if (!config) return 2;
  const log = createLogger({ level: config.logLevel, secrets: config.secrets });
  const { openSql } = await import("./adapters/store/open-store.js");
  const { migrate } = await import("./adapters/store/migrate.js");
  const sql = await openSql(config.database, log);
  try {
    const { applied } = await migrate(sql);
    io.stdout(applied.length > 0 ? `Applied migrations: ${applied.join(", ")}` : "The database is up to date.");
    return 0;
  } catch (error) {
    io.stderr(`firebreak migrate: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await sql.close();
  }
}

async function runPlaybooks(args: string[], io: Io): Promise<number> {
  const [subcommand, ...paths] = args;
  if (subcommand !== "check") {
    io.stderr(`firebreak: unknown command "${["playbooks", ...args].join(" ")}"\n\n${help}`);
    return 2;
  }
  // Checking never runs an action; the configuration only names targets (no Slack needed).
  const config = configure(io, {});
  if (!config) return 2;
  const { firebreakActions } = await import("./main.js");
  const { createDatadog } = await import("./adapters/datadog.js");
  const { checkPlaybookFiles } = await import("./playbooks/check-playbooks.js");
  const { formatSourceProblem } = await import("./kernel/yaml-source.js");
  const registry = firebreakActions(config, { store: () => undefined, now: () => new Date(), datadog: config.datadog && createDatadog(config.datadog) });
  const { playbooks, problems } = checkPlaybookFiles(paths.length > 0 ? paths : ["./playbooks"], registry);
  if (problems.length > 0) {
    problems.forEach((problem) => io.stderr(formatSourceProblem(problem)));
    return 1;
  }
  io.stdout(`${playbooks.length} ${playbooks.length === 1 ? "playbook" : "playbooks"} OK`);
  return 0;
}

async function printManifest(args: string[], io: Io): Promise<number> {
  const urlAt = args.indexOf("--url");
  const baseUrl = urlAt >= 0 ? args[urlAt + 1] : "https://firebreak.example.com";
  if (!baseUrl || !/^https?:\/\//.test(baseUrl)) {
    io.stderr("firebreak manifest: --url needs the public base URL of your Firebreak, e.g. --url https://firebreak.example.com");
    return 2;
  }
  const { slackManifest } = await import("./slack/manifest.js");
  io.stdout(JSON.stringify(slackManifest({ baseUrl, socketMode: args.includes("--socket-mode") }), null, 2));
  return 0;
}

async function printPostmortem(args: string[], io: Io): Promise<number> {
  const { parseHumanId } = await import("./domain/incident.js");
  const id = parseHumanId(args[0] ?? "");
  if (id === undefined) {
    io.stderr("firebreak postmortem: give the incident, e.g. `firebreak postmortem INC-42`");
    return 2;
  }
  const config = configure(io, {});
  if (!config) return 2;
  const { DEFAULT_POSTMORTEM_TEMPLATE, loadPostmortemTemplate } = await import("./postmortem/load-template.js");
  const { postmortemNorms } = await import("./domain/postmortem-norms.js");
  const { draftPostmortem } = await import("./views/postmortem/draft.js");
  const { postmortemRecord } = await import("./postmortem/postmortem-flows.js");
  const { openSql } = await import("./adapters/store/open-store.js");
  const { isMigrated } = await import("./adapters/store/migrate.js");
  const { createStore } = await import("./adapters/store/store.js");
  let template;
  try {
    template = loadPostmortemTemplate(config.file.postmortem_template ?? DEFAULT_POSTMORTEM_TEMPLATE);
  } catch (error) {
    io.stderr(`firebreak postmortem: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const log = createLogger({ level: "warn", secrets: config.secrets });
  const sql = await openSql(config.database, log);
  try {
    if (!(await isMigrated(sql))) {
      io.stderr("firebreak postmortem: the database has no Firebreak data yet (run `firebreak migrate` or `firebreak serve` first)");
      return 1;
    }
    const store = createStore(sql);
    const incident = await store.incidents.get(id);
    if (!incident) {
      io.stderr(`firebreak postmortem: there is no INC-${id}`);
      return 1;
    }
    // Without Slack, people are named as stored when Firebreak first saw them.
    const record = await postmortemRecord({ store, timeZone: config.timezone, userName: async () => undefined, now: () => new Date(), services: config.file.services, norms: postmortemNorms(config.file.postmortem_norms) }, incident);
    io.stdout(draftPostmortem(record, template).markdown);
    return 0;
  } finally {
    await sql.close();
  }
}

async function runDoctorCommand(io: Io): Promise<number> {
  const config = configure(io, {});
  if (!config) return 2;
  const { doctorDeps } = await import("./doctor/doctor-deps.js");
  const { runDoctor } = await import("./doctor/run-doctor.js");
  const report = await runDoctor(doctorDeps(config));
  report.lines.forEach((line) => io.stdout(line));
  return report.failures > 0 ? 1 : 0;
}

async function runBackup(command: "backup" | "restore", args: string[], io: Io): Promise<number> {
  const force = args.includes("--force");
  const [file, ...extra] = args.filter((a) => a !== "--force");
  if (!file || extra.length > 0 || file.startsWith("-")) {
    io.stderr(`firebreak ${command}: give one file, e.g. \`firebreak ${command} firebreak-backup.tar.gz\``);
    return 2;
  }
  const config = configure(io, {});
  if (!config) return 2;
  const { backupEmbedded, BackupError, describeBackup, postgresBackupAdvice, restoreEmbedded } = await import("./adapters/store/pglite-backup.js");
  if (config.database.kind === "pg") {
    io.stderr(postgresBackupAdvice(command));
    return 2;
  }
  try {
    const summary = command === "backup"
      ? await backupEmbedded(config.database.dataDir, file, { force })
      : await restoreEmbedded(file, config.database.dataDir, { force });
    io.stdout(describeBackup(command, summary));
    return 0;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    io.stderr(`firebreak ${command}: ${error.message}`);
    return 1;
  }
}

async function runDemo(args: string[], io: Io): Promise<number> {
  const portAt = args.indexOf("--port");
  const port = portAt >= 0 ? Number(args[portAt + 1]) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr("firebreak demo: --port needs a port number, e.g. --port 8081");
    return 2;
  }
  const { startDemo } = await import("./sandbox/demo/start-demo.js");
  let demo;
  try {
    demo = await startDemo({ port });
  } catch (error) {
    io.stderr(`firebreak demo: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  io.stdout(`Firebreak sandbox ready: ${demo.url}\nOpen it in a browser and press "Page me". Ctrl-C stops everything.`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await demo.stop();
  return 0;
}
