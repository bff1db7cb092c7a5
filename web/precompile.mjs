// Build step, run by `ecr-doctor web --build` under Node (never shipped): compiles Python
// sources to bytecode with the very CPython the page runs (Pyodide's, so the .pyc magic
// matches), so the browser does not compile the standard library and the core from source at
// every start (measured: Python's bootstrap in the page drops from ~2.0 s to ~0.4 s).
//
//   node precompile.mjs PYODIDE_DIR STDLIB_IN STDLIB_OUT CORE_DIR
//
// STDLIB_OUT: STDLIB_IN with an unchecked hash-based .pyc next to every .py (sources kept, so
// tracebacks still show lines), deflated. CORE_DIR: a tree of .py files; each gets
// __pycache__/NAME.cpython-3XY.pyc, compiled under the path it is unpacked to in the page.
// Output is byte-for-byte reproducible: fixed zip timestamps, hash-based (not mtime) pycs.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, stdlibIn, stdlibOut, coreDir] = process.argv.slice(2).map((p) => path.resolve(p));
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const py = await loadPyodide({ indexURL: pyodideDir + "/", stdout: () => {}, stderr: (m) => console.error(m) });
py.FS.mkdirTree("/build/core");
py.FS.writeFile("/build/stdlib.zip", fs.readFileSync(stdlibIn));
const coreFiles = fs.readdirSync(coreDir, { recursive: true })
  .filter((name) => name.endsWith(".py")).map((name) => name.split(path.sep).join("/")).sort();
for (const name of coreFiles) {
  py.FS.mkdirTree(path.posix.dirname(`/build/core/${name}`));
  py.FS.writeFile(`/build/core/${name}`, fs.readFileSync(path.join(coreDir, name)));
}
py.globals.set("core_files", py.toPy(coreFiles));
py.runPython(`
import importlib.util, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

def pyc(source, filename):
    code = compile(source, filename, "exec", dont_inherit=True)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))

major, minor = sys.version_info[:2]
stdlib_path = f"/lib/python{major}{minor}.zip"      # where loadPyodide installs the zip
with zipfile.ZipFile("/build/stdlib.zip") as src, \\
        zipfile.ZipFile("/build/stdlib.out.zip", "w", zipfile.ZIP_DEFLATED) as out:
    for info in src.infolist():
        data = src.read(info)
        out.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data,
                     compress_type=zipfile.ZIP_DEFLATED)
        if info.filename.endswith(".py"):
            out.writestr(zipfile.ZipInfo(info.filename + "c", date_time=(1980, 1, 1, 0, 0, 0)),
                         pyc(data, f"{stdlib_path}/{info.filename}"),
                         compress_type=zipfile.ZIP_DEFLATED)

site = f"/lib/python{major}.{minor}/site-packages"  # where the page unpacks the core wheel
tag = sys.implementation.cache_tag
for name in core_files:
    folder, _, file = name.rpartition("/")
    with open(f"/build/core/{name}", "rb") as f:
        data = f.read()
    cache = f"/build/core/{folder}/__pycache__" if folder else "/build/core/__pycache__"
    import os
    os.makedirs(cache, exist_ok=True)
    with open(f"{cache}/{file[:-3]}.{tag}.pyc", "wb") as f:
        f.write(pyc(data, f"{site}/{name}"))
`);
fs.writeFileSync(stdlibOut, py.FS.readFile("/build/stdlib.out.zip"));
for (const name of coreFiles) {
  const folder = path.posix.dirname(name);
  const cache = `${folder === "." ? "" : folder + "/"}__pycache__`;
  fs.mkdirSync(path.join(coreDir, cache), { recursive: true });
  for (const pyc of py.FS.readdir(`/build/core/${cache}`).filter((n) => n.endsWith(".pyc"))) {
    fs.writeFileSync(path.join(coreDir, cache, pyc), py.FS.readFile(`/build/core/${cache}/${pyc}`));
  }
}
