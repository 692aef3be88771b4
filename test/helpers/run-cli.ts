// Runs the CLI from source in a child process, as `firebreak` would from the build.
import { runCli } from "../../src/cli.js";

process.exitCode = await runCli(process.argv.slice(2));
