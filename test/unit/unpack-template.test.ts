// The embedded database's template is unpacked by Firebreak itself (src/adapters/store/unpack-template.ts).
// What it writes must be exactly what the tar holds, and a tar it cannot trust must be refused
// before anything lands outside the data dir. Tars are made here by hand, as ustar defines them.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { unpackTemplate } from "../../src/adapters/store/unpack-template.js";
import { tempDir } from "../helpers/databases.js";

const scratch = tempDir();
afterAll(() => scratch.remove());

interface Entry {
  name: string;
  type: "0" | "5" | "2";
  data?: Buffer;
  mode?: number;
}

/** One ustar header (IEEE Std 1003.1 pax, ustar interchange format) and its data, padded to 512. */
function tarEntry({ name, type, data = Buffer.alloc(0), mode = type === "5" ? 0o750 : 0o600 }: Entry, corrupt = false): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, "utf8");
  header.write(`${mode.toString(8).padStart(7, "0")}\0`, 100, "ascii");
  header.write(`${data.length.toString(8).padStart(11, "0")}\0`, 124, "ascii");
  header.write("00000000000\0", 136, "ascii");
  header.write(type, 156, "ascii");
  header.write("ustar\0", 257, "ascii");
  header.write("00", 263, "ascii");
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${(corrupt ? sum + 1 : sum).toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return Buffer.concat([header, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

const tar = (...parts: Buffer[]) => gzipSync(Buffer.concat([...parts, Buffer.alloc(1024)]));

describe("unpacking the embedded database's template", () => {
  it("writes each directory and file with its bytes and mode, as PGlite's dump names them (from /)", async () => {
    const dir = join(scratch.path, "whole");
    const version = Buffer.from("17\n");
    const page = Buffer.alloc(8192, 7);
    await unpackTemplate(tar(tarEntry({ name: "/base", type: "5" }), tarEntry({ name: "/base/1", type: "5" }), tarEntry({ name: "/PG_VERSION", type: "0", data: version }), tarEntry({ name: "/base/1/1259", type: "0", data: page })), dir);
    expect(readFileSync(join(dir, "PG_VERSION"))).toEqual(version);
    expect(readFileSync(join(dir, "base", "1", "1259"))).toEqual(page);
    expect(statSync(join(dir, "PG_VERSION")).mode & 0o777).toBe(0o600);
  });

  it("refuses an entry that would land outside the data dir, and writes nothing there", async () => {
    const dir = join(scratch.path, "escape");
    await expect(unpackTemplate(tar(tarEntry({ name: "../outside", type: "0", data: Buffer.from("x") })), dir)).rejects.toThrow(/outside the data dir/);
    expect(existsSync(join(scratch.path, "outside"))).toBe(false);
  });

  it("refuses a damaged header, a link, and a tar cut short, naming what to do", async () => {
    const dir = join(scratch.path, "bad");
    await expect(unpackTemplate(tar(tarEntry({ name: "/PG_VERSION", type: "0", data: Buffer.from("17\n") }, true)), dir)).rejects.toThrow(/bad checksum.*npm run build/);
    await expect(unpackTemplate(tar(tarEntry({ name: "/link", type: "2" })), dir)).rejects.toThrow(/tar type "2"/);
    const cut = Buffer.concat([tarEntry({ name: "/big", type: "0", data: Buffer.alloc(2048, 1) })]).subarray(0, 1024);
    await expect(unpackTemplate(gzipSync(cut), dir)).rejects.toThrow(/cut short|end-of-archive/);
  });
});
