// Build step, run by `ecr-doctor web --build` under Node (never shipped): compiles Python
// sources to bytecode with the very CPython the page runs (Pyodide's, so the .pyc magic
// matches), so the browser does not compile the standard library and the core from source at
// every start (measured: Python's bootstrap in the page drops from ~2.0 s to ~0.4 s), and
// trims the standard library to what the page can import.
//
//   node precompile.mjs PYODIDE_DIR STDLIB_IN STDLIB_OUT CORE_DIR CORE_ZIP CORE_PATH
//
// CORE_ZIP: the core as a zip of sources; it is imported and run here exactly as the page does
// (written to CORE_PATH, put on sys.path, then every call the page makes, on every bundled
// example), so the modules
// Pyodide and the core import at run time are known. With the modules the core's files import
// anywhere (lazy imports included), imported here too, and a few kept whole, that is the
// import closure; the rest of the standard library (tests, tkinter-less GUIs, asyncio's servers,
// sqlite, email, xml...) is left out of STDLIB_OUT.
// STDLIB_OUT: those modules as unchecked hash-based .pyc files compiled as "python -OO"
// would (no sources: tracebacks from the standard library show no source lines, the core's
// still do), deflated (a host that compresses nothing still sends it small).
// CORE_DIR: a tree of .py files; each gets NAME.pyc beside it (where zipimport looks),
// compiled under the path the page imports it from (CORE_PATH/...).
// Prints one JSON line: {"kept": N, "dropped": N} (modules).
// Output is byte-for-byte reproducible: fixed zip timestamps, hash-based (not mtime) pycs.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, stdlibIn, stdlibOut, coreDir, coreZip] = process.argv.slice(2, 7).map((p) => path.resolve(p));
const corePath = process.argv[7];
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const py = await loadPyodide({ indexURL: pyodideDir + "/", stdout: () => {}, stderr: (m) => console.error(m) });
// What Pyodide itself imported to start, before anything of ours ran.
const startup = py.runPython("import sys; sorted(sys.modules)").toJs();

// Run the page's calls, as the page makes them, so run-time imports are seen.
py.FS.writeFile(corePath, new Uint8Array(fs.readFileSync(coreZip)));  // as app.js does
py.pyimport("sys").path.insert(0, corePath);
const api = py.pyimport("ecr_doctor.web.api");
api.ready();
api.rules();
const examples = JSON.parse(api.examples());
const errors = [
  "no basic auth credentials",
  "Error response from daemon: Get \"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/\": no basic auth credentials",
  "Failed to pull image \"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1\": rpc error: code = Unknown desc = failed to authorize: 403 Forbidden",
  "error getting credentials - err: exec: \"docker-credential-ecr-login\": executable file not found in $PATH, out: ``",
  "x".repeat(2_000_000),
];
for (const example of examples) {
  api.analyse(example.text, false);
  api.analyse(example.text, true);
  for (const error of errors) api.explain(error, example.text);
}
api.analyse("{\"auths\": ", false);
api.analyse("\u0000\uffff not json", false);
const used = py.runPython("import sys; sorted(sys.modules)").toJs();

py.FS.mkdirTree("/build/core");
py.FS.writeFile("/build/stdlib.zip", fs.readFileSync(stdlibIn));
const coreFiles = fs.readdirSync(coreDir, { recursive: true })
  .filter((name) => name.endsWith(".py")).map((name) => name.split(path.sep).join("/")).sort();
for (const name of coreFiles) {
  py.FS.mkdirTree(path.posix.dirname(`/build/core/${name}`));
  py.FS.writeFile(`/build/core/${name}`, fs.readFileSync(path.join(coreDir, name)));
}
py.globals.set("core_files", py.toPy(coreFiles));
py.globals.set("seen_modules", py.toPy([...startup, ...used]));
py.globals.set("core_path", corePath);
const report = py.runPython(`
import importlib.util, json, os, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

def pyc(source, filename, optimize=0):
    code = compile(source, filename, "exec", dont_inherit=True, optimize=optimize)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))

major, minor = sys.version_info[:2]
stdlib_path = f"/lib/python{major}{minor}.zip"      # where loadPyodide installs the zip

with zipfile.ZipFile("/build/stdlib.zip") as src:
    infos = [i for i in src.infolist() if not i.is_dir()]
    src.extractall("/build/stdlib-src", members=infos)
    sources = {i.filename: src.read(i) for i in infos}

# The import closure, measured rather than guessed: every core module imported, and every
# module a core file names in an import statement anywhere (a lazy import inside a function
# too), then whatever those pulled in at import time. modulefinder would also follow imports
# in standard-library functions the core never calls (it kept three quarters of the library).
import ast, importlib
WHOLE = ("pyodide", "_pyodide")  # the runtime's own packages
# Kept whatever the measurement says: a traceback (a bug's answer, a PythonError reaching
# JavaScript) needs these; strptime imports _strptime on first use; and the codecs a text
# may be decoded or encoded with (the core uses ascii, utf-8 and latin-1; the other 110
# codecs, a quarter of what is kept otherwise, are left out).
ALWAYS = ("traceback", "linecache", "tokenize", "token", "_strptime", "warnings", "weakref",
          "encodings.aliases", "encodings.ascii", "encodings.latin_1", "encodings.utf_8",
          "encodings.utf_8_sig", "encodings.utf_16", "encodings.utf_16_le",
          "encodings.utf_16_be", "encodings.utf_32", "encodings.cp1252", "encodings.idna",
          "encodings.punycode", "encodings.unicode_escape", "encodings.raw_unicode_escape")
names = set(ALWAYS)
for name in core_files:
    dotted = name[:-3].replace("/", ".").removesuffix(".__init__")
    names.add(dotted)
    with open(f"/build/core/{name}", "rb") as f:
        tree = ast.parse(f.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
for info in infos:
    top = info.filename.split("/")[0].removesuffix(".py")
    if top in WHOLE and info.filename.endswith(".py"):
        names.add(info.filename[:-3].replace("/", ".").removesuffix(".__init__"))
for name in sorted(names):
    try:
        importlib.import_module(name)
    except Exception:  # a name that is an attribute, not a module; or not on this platform
        pass
wanted = set(seen_modules) | set(sys.modules)

def module_of(filename):
    stem = filename[:-3].replace("/", ".")
    return stem[: -len(".__init__")] if stem.endswith(".__init__") else stem

def keep(filename):
    top = filename.split("/")[0].removesuffix(".py")
    if top in WHOLE:
        return True
    if filename.endswith(".py"):
        return module_of(filename) in wanted
    # A data file ships with its package.
    package = filename.rpartition("/")[0].replace("/", ".")
    return bool(package) and package in wanted

kept = dropped = 0
with zipfile.ZipFile("/build/stdlib.out.zip", "w", zipfile.ZIP_DEFLATED) as out:
    for filename in sorted(sources):
        data = sources[filename]
        if not keep(filename):
            dropped += filename.endswith(".py")
            continue
        if filename.endswith(".py"):
            kept += 1
            out.writestr(zipfile.ZipInfo(filename + "c", date_time=(1980, 1, 1, 0, 0, 0)),
                         # As \`python -OO\` runs it: no docstrings (a fifth of the bytes),
                         # no asserts. The core keeps both (compiled below at level 0).
                         pyc(data, f"{stdlib_path}/{filename}", optimize=2),
                         compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        else:
            out.writestr(zipfile.ZipInfo(filename, date_time=(1980, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)

for name in core_files:
    with open(f"/build/core/{name}", "rb") as f:
        data = f.read()
    with open(f"/build/core/{name}c", "wb") as f:
        f.write(pyc(data, f"{core_path}/{name}"))
json.dumps({"kept": kept, "dropped": dropped})
`);
fs.writeFileSync(stdlibOut, py.FS.readFile("/build/stdlib.out.zip"));
for (const name of coreFiles) {
  fs.writeFileSync(path.join(coreDir, `${name}c`), py.FS.readFile(`/build/core/${name}c`));
}
console.log(report);
