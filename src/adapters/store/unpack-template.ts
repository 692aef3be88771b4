// Unpacks the build's cluster template (a gzipped tar from PGlite's dumpDataDir) straight into a
// new data dir. PGlite can load the tarball itself (`loadDataDir`), but it writes each of the
// cluster's thousand files through its WebAssembly file system, which took over a second; node's
// zlib and plain file writes take a fraction of that, and the cluster then opens as an existing one.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";

const BLOCK = 512;

/** A template this code cannot unpack: it was not made by this build's `writePgliteTemplate`. */
export class TemplateFormatError extends Error {
  constructor(file: string, problem: string) {
    super(`the embedded database's template ${file} cannot be unpacked: ${problem}; rebuild it with \`npm run build\``);
    this.name = "TemplateFormatError";
  }
}

/**
 * Writes the template's directories and files under `dataDir`. The tar is the POSIX ustar format
 * (IEEE Std 1003.1, "pax" format's ustar header): a 512-byte header per entry, its data padded to
 * 512 bytes, two zero blocks at the end. PGlite writes only directories and regular files.
 */
export async function unpackTemplate(gzipped: Buffer, dataDir: string, file = "template"): Promise<void> {
  // Inflated on libuv's thread pool, while the caller loads PGlite.
  const tar = await promisify(gunzip)(gzipped);
  const root = resolve(dataDir);
  for (let offset = 0; offset + BLOCK <= tar.length; ) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return;
    if (!checksumMatches(header)) throw new TemplateFormatError(file, `the header at byte ${offset} has a bad checksum`);
    const name = joinName(text(header, 345, 155), text(header, 0, 100));
    const size = octal(header, 124, 12);
    const mode = octal(header, 100, 8) & 0o777;
    const type = String.fromCharCode(header[156]!);
    const target = resolve(root, `.${sep}${name}`);
    if (target !== root && !target.startsWith(root + sep)) throw new TemplateFormatError(file, `${name} would land outside the data dir`);
    const dataStart = offset + BLOCK;
    if (type === "5") {
      mkdirSync(target, { recursive: true, mode: mode || 0o700 });
    } else if (type === "0" || type === "\0") {
      if (dataStart + size > tar.length) throw new TemplateFormatError(file, `${name} is cut short`);
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      writeFileSync(target, tar.subarray(dataStart, dataStart + size), { mode: mode || 0o600 });
    } else {
      throw new TemplateFormatError(file, `${relative(root, target) || name} is of tar type "${type}", which PGlite does not write`);
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new TemplateFormatError(file, "it ends without the tar's end-of-archive blocks");
}

function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString("utf8");
}

function octal(header: Buffer, start: number, length: number): number {
  const value = text(header, start, length).trim();
  return value === "" ? 0 : Number.parseInt(value, 8);
}

function joinName(prefix: string, name: string): string {
  return prefix ? `${prefix}/${name}` : name;
}

/** The ustar checksum: the sum of the header's bytes with the checksum field read as spaces. */
function checksumMatches(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum === octal(header, 148, 8);
}
