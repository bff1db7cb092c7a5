// Build step, run by `ecr-doctor web --build` under Node (never shipped): Brotli for the
// site's files, which `ecr-doctor web` serves as `Content-Encoding: br` (Python's standard
// library has gzip, not Brotli; Node has both).
//
//   node compress.mjs CACHE_DIR OUT_DIR FILE...
//
// Writes OUT_DIR/<n>.br for the n-th FILE (quality 11, 16 MiB window: the WebAssembly runtime
// goes from 9.6 MB to 2.8 MB). Quality 11 takes ~40 s for the runtime on a small machine, so
// results are kept in CACHE_DIR under the SHA-256 of the input; a cached result is used only
// if it decompresses to exactly the input.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const [cacheDir, outDir, ...files] = process.argv.slice(2).map((p) => path.resolve(p));
const PARAMS = {
  [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
  [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
};
const sha = (data) => crypto.createHash("sha256").update(data).digest("hex");
fs.mkdirSync(cacheDir, { recursive: true });

function cached(key, input) {
  try {
    const hit = fs.readFileSync(path.join(cacheDir, key));
    if (sha(zlib.brotliDecompressSync(hit)) === sha(input)) return hit;
  } catch {
    // absent or corrupt: compress again
  }
  return null;
}

files.forEach((file, n) => {
  const input = fs.readFileSync(file);
  const key = `${sha(input)}.q11w24.br`;
  let output = cached(key, input);
  if (output === null) {
    output = zlib.brotliCompressSync(input, {
      params: { ...PARAMS, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: input.length },
    });
    // Written aside and renamed, so a concurrent build never reads half an entry.
    const scratch = path.join(cacheDir, `${key}.${process.pid}.tmp`);
    fs.writeFileSync(scratch, output);
    fs.renameSync(scratch, path.join(cacheDir, key));
  }
  fs.writeFileSync(path.join(outDir, `${n}.br`), output);
});
