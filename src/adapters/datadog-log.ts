// Datadog's client logs through one module-wide `loglevel` logger, to the console by default
// (and at debug level whenever DEBUG is set in the environment). This points it at Firebreak's
// logger instead; it loads only `loglevel`, not the client, so it costs nothing at start-up.
// https://github.com/pimterry/loglevel#writing-plugins
import { logger } from "@datadog/datadog-api-client/dist/logger.js";
import type { VendorLevel, VendorLog } from "./vendor-logs.js";

interface Loglevel {
  methodFactory: (methodName: string, level: number, name: string | symbol | undefined) => (...msg: unknown[]) => void;
  setLevel(level: string, persist?: boolean): void;
  rebuild(): void;
}

const levels: Record<string, string> = { trace: "trace", debug: "debug", info: "info", warn: "warn", error: "error", fatal: "error", silent: "silent" };

/** Routes Datadog's client logs to `log`, at `level` (a pino level name) and above. */
export function routeDatadogLogs(log: VendorLog, level: string): void {
  const datadog = logger as Loglevel;
  datadog.methodFactory = (methodName) => {
    const to: VendorLevel = methodName === "trace" || methodName === "debug" ? "debug" : (methodName as VendorLevel);
    return (...msg) => log[to](...msg);
  };
  datadog.setLevel(levels[level] ?? "info", false);
  datadog.rebuild();
}
