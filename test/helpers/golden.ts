// Golden files: output compared byte for byte with a reviewed file under test/golden/<folder>/.
// UPDATE_GOLDEN=1 rewrites them; a missing one fails, naming how to write it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const goldenDir = (folder: string) => fileURLToPath(new URL(`../golden/${folder}/`, import.meta.url));

export function goldenFiles(folder: string): (name: string, actual: string) => void {
  const dir = goldenDir(folder);
  return (name, actual) => {
    const path = join(dir, name);
    if (process.env.UPDATE_GOLDEN === "1") {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, actual);
    }
    if (!existsSync(path)) throw new Error(`${path} is missing; run the test with UPDATE_GOLDEN=1 to write it, then review it`);
    expect(actual).toBe(readFileSync(path, "utf8"));
  };
}
