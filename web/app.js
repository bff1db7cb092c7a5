// ecr-doctor's offline page: the Python core (the same code as the CLI) runs in Pyodide.
// Everything is loaded from this origin; nothing typed or dropped here is sent anywhere.
// All text from Python reaches the DOM through textContent, never innerHTML.
// The runtime lives in a content-named folder the manifest names (cached for good by the
// browser), so it is imported once the manifest is known, not statically.

const $ = (id) => document.getElementById(id);
const state = { api: null, fixed: "", redacted: "", busy: false, workerRegistered: false, warmed: false };
// For tests and the benchmark: milestones of this page load, in ms since navigation.
window.ecrDoctor = { ready: false, marks: {} };

function mark(name) {
  window.ecrDoctor.marks[name] = performance.now();
}

function setStatus(text, percent, kind = "") {
  $("status-text").textContent = text;
  if (percent !== null) $("progress").value = percent;
  $("status").className = `status ${kind}`;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Rule pages and causes mark code with `backticks`: show those spans as code, the rest as text.
function rich(text) {
  const span = document.createElement("span");
  String(text).split("`").forEach((part, i) => {
    if (!part) return;
    span.append(i % 2 ? el("code", {}, part) : document.createTextNode(part));
  });
  return span;
}

async function boot() {
  mark("boot");
  try {
    setStatus("Loading the Python runtime (WebAssembly, a few MB the first time)…", 10);
    const base = new URL("./", window.location.href);
    // Real milestones, not a timer: the bar moves when the runtime's downloads complete.
    const seen = new Set();
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) seen.add(entry.name.split("/").pop());
      if (seen.has("pyodide.asm.wasm") && seen.has("python_stdlib.zip") && !state.api) {
        setStatus("Compiling WebAssembly and starting Python…", 45);
        observer.disconnect();
      }
    });
    observer.observe({ type: "resource", buffered: true });
    const manifestP = fetch(new URL("manifest.json", base)).then((r) => {
      if (!r.ok) throw new Error(`manifest.json: HTTP ${r.status}`);
      return r.json();
    });
    const pyodideP = manifestP.then(async (m) => {
      const runtime = new URL(m.runtime, base);
      const { loadPyodide } = await import(new URL("pyodide.mjs", runtime).href);
      return loadPyodide({ indexURL: runtime.href, stdout: () => {}, stderr: () => {} });
    });
    // The core: a same-origin zip built from src/ by `ecr-doctor web --build` (no micropip,
    // no CDN), fetched while the runtime compiles, then imported straight from the zip as
    // the standard library is: no unpacking step.
    const coreP = manifestP
      .then((m) => fetch(new URL(m.core, base)))
      .then((r) => { if (!r.ok) throw new Error(`core: HTTP ${r.status}`); return r.arrayBuffer(); });
    const [manifest, pyodide, core] = await Promise.all([manifestP, pyodideP, coreP]);
    mark("pyodide");
    setStatus("Loading the ecr-doctor core…", 75);
    pyodide.FS.writeFile(manifest.core_path, new Uint8Array(core));
    pyodide.pyimport("sys").path.insert(0, manifest.core_path);
    const webapi = pyodide.pyimport("ecr_doctor.web.api");
    const info = JSON.parse(webapi.ready());
    state.api = webapi;
    mark("ready");
    $("version").textContent = `v${info.version}`;
    setStatus(`Ready. ${info.rules} rules loaded; runs entirely in this tab.`, 100, "ok");
    for (const example of JSON.parse(webapi.examples())) {
      $("example").append(el("option", { value: example.name }, example.name.replace(/^\d+-/, "").replaceAll("-", " ")));
      state[`example:${example.name}`] = example.text;
    }
    for (const id of ["diagnose", "explain", "example"]) $(id).disabled = false;
    window.ecrDoctor.ready = true;
    document.body.dataset.state = "ready";  // tests wait on this selector (CSP forbids eval)
    // The worker's install downloads and stores every file again: kept out of the way of
    // the first paste (after its result, or once the page has been idle a while).
    setTimeout(registerServiceWorker, 3000);
    if ($("config").value.trim()) diagnose();
  } catch (err) {
    setStatus(`The page could not start: ${err && err.message ? err.message : err}`, null, "bad");
    window.ecrDoctor.error = String(err);
    document.body.dataset.state = "failed";
  }
}

function registerServiceWorker() {
  if (state.workerRegistered || !("serviceWorker" in navigator)) return;
  state.workerRegistered = true;
  navigator.serviceWorker.register("sw.js", { scope: "./" }).catch(() => {
    // Offline use is a bonus: without a worker the page still works while online.
  });
}

const SEVERITIES = ["critical", "high", "medium", "low", "info"];

function renderFindings(result) {
  const list = $("findings");
  list.replaceChildren();
  const total = result.findings.length;
  const summary = $("summary");
  summary.replaceChildren();
  summary.className = "summary";
  if (total === 0) {
    summary.append(el("span", { class: "badge sev-ok" }, "no findings"),
      " Docker will use this config as intended for every registry it names.");
  } else {
    summary.append(`${total} finding${total === 1 ? "" : "s"}: `);
    for (const sev of SEVERITIES) {
      const n = result.counts[sev] || 0;
      if (n) summary.append(el("span", { class: `badge sev-${sev}` }, `${n} ${sev}`), " ");
    }
  }
  for (const f of result.findings) {
    const rule = f.rule;
    const head = el("div", { class: "finding-head" },
      el("span", { class: `badge sev-${f.severity}` }, f.severity),
      el("code", { class: "rule-id" }, f.rule_id),
      el("span", { class: "loc" }, `${f.path}:${f.line}:${f.col}`));
    const body = el("p", { class: "message" }, f.message);
    const item = el("li", { class: "finding" }, head, body);
    if (f.fix) {
      item.append(el("p", { class: "fixline" },
        el("span", { class: `fixclass ${f.fix.applicability}` }, `${f.fix.applicability} fix`), " ", f.fix.description));
    }
    if (rule) {
      const page = el("details", { class: "rule" },
        el("summary", {}, `Rule ${rule.id} ${rule.name}: ${rule.summary}`),
        el("h4", {}, "What it does"), el("p", {}, rich(rule.what)),
        el("h4", {}, "Why it matters"), el("p", {}, rich(rule.why)),
        el("h4", {}, "How to fix"), el("p", {}, rich(rule.fix)));
      if (rule.example) page.append(el("pre", { class: "code small-code" }, rule.example));
      if (rule.references.length) {
        page.append(el("h4", {}, "Sources"),
          el("ul", { class: "refs" }, ...rule.references.map((r) => el("li", {}, el("code", {}, r)))));
      }
      item.append(page);
    }
    list.append(item);
  }
}

function renderDiff(diff) {
  const pre = $("diff");
  pre.replaceChildren();
  if (!diff) {
    pre.textContent = "No change needed.";
    return;
  }
  for (const line of diff.split("\n")) {
    let cls = "";
    if (line.startsWith("+++") || line.startsWith("---")) cls = "meta";
    else if (line.startsWith("@@")) cls = "hunk";
    else if (line.startsWith("+")) cls = "add";
    else if (line.startsWith("-")) cls = "del";
    pre.append(el("span", { class: cls }, line), "\n");
  }
}

function renderFix(fix) {
  state.fixed = fix.after;
  $("fixed").textContent = fix.after;
  renderDiff(fix.diff);
  const parts = [];
  if (fix.applied.length) parts.push(`Applied fixes for ${[...new Set(fix.applied)].join(", ")}.`);
  else parts.push("No automatic fix applies.");
  if (fix.unsafe_skipped.length) {
    parts.push(`${fix.unsafe_skipped.length} unsafe fix${fix.unsafe_skipped.length === 1 ? "" : "es"} (${[...new Set(fix.unsafe_skipped.map((f) => f.rule_id))].join(", ")}) not applied: tick “Apply unsafe fixes” to include them.`);
  }
  parts.push("Then run ecr-doctor fix --write on the machine, or replace the file with this one.");
  $("fix-summary").textContent = parts.join(" ");
  $("fix-summary").className = "";
  for (const id of ["copy-fixed", "download-fixed"]) $(id).disabled = false;
}

function renderRedacted(redacted) {
  state.redacted = redacted.text;
  $("redacted").textContent = redacted.text;
  for (const id of ["copy-redacted", "download-redacted"]) $(id).disabled = !redacted.text;
}

// The core answers every call, bugs included (web/api.py); this catches what it cannot, such as
// the runtime itself failing, so the page never keeps an earlier paste's results on screen.
function callCore(call) {
  try {
    return JSON.parse(call());
  } catch (err) {
    return {
      ok: false, internal: true, signatures: [], causes: [],
      error: `ecr-doctor failed on this input (${err && err.name ? err.name : "error"}): nothing below is from it.`,
      redacted: { text: "", placeholders: 0 },
    };
  }
}

function diagnose() {
  if (!state.api) return;
  const text = $("config").value;
  const started = performance.now();
  const result = callCore(() => state.api.analyse(text, $("unsafe").checked));
  window.ecrDoctor.lastAnalyseMs = performance.now() - started;
  if (!window.ecrDoctor.marks.firstResult) mark("firstResult");
  try {
    render(result);
  } finally {
    if (!state.warmed) {
      // What only Explain needs is imported once the first result is on screen.
      state.warmed = true;
      setTimeout(() => callCore(() => state.api.warm()), 0);
    }
    registerServiceWorker();
    // Tests and the benchmark wait on this counter (CSP rules out eval-based waiting).
    document.body.dataset.runs = String(Number(document.body.dataset.runs || 0) + 1);
  }
}

function render(result) {
  renderRedacted(result.redacted);
  const error = $("error");
  if (!result.ok) {
    error.hidden = false;
    error.textContent = result.too_large || result.internal ? result.error
      : `This is not a config Docker can read: ${result.error}`;
    $("findings").replaceChildren();
    $("summary").textContent = "";
    // Never leave an earlier config's fix on screen next to this one's error.
    state.fixed = "";
    $("fixed").textContent = "";
    $("diff").replaceChildren();
    $("fix-summary").textContent = result.internal ? "No fix: see the error above."
      : "Nothing to fix until the JSON parses: see the error above.";
    for (const id of ["copy-fixed", "download-fixed"]) $(id).disabled = true;
    return;
  }
  error.hidden = true;
  renderFindings(result);
  renderFix(result.fix);
}

function explain() {
  if (!state.api) return;
  const out = $("explain-out");
  out.replaceChildren();
  const result = callCore(() => state.api.explain($("error-text").value, $("config").value));
  if (result.internal) {
    out.append(el("p", { class: "error" }, result.error));
    return;
  }
  out.append(el("p", { class: "runtime" }, el("strong", {}, result.runtime)));
  if (!result.signatures.length && !result.causes.length) {
    out.append(el("p", { class: "muted" }, "No known Docker or ECR authentication error in this text."));
    return;
  }
  if (result.signatures.length) {
    out.append(el("p", { class: "recognised" }, "Recognised: ",
      ...result.signatures.map((s, i) => el("span", {}, i ? "; " : "", el("strong", {}, s.label)))));
  }
  const list = el("ol", { class: "causes" });
  for (const cause of result.causes) {
    const item = el("li", { class: "cause" },
      el("div", { class: "cause-head" }, el("strong", {}, rich(cause.title)),
        cause.seen_here ? el("span", { class: "badge sev-high" }, "seen in your config") : null),
      el("p", {}, rich(cause.why)),
      el("p", { class: "check-line" }, el("span", { class: "label" }, "Check: "), rich(cause.check)));
    if (cause.rule_ids.length) item.append(el("p", { class: "muted" }, `Rules: ${cause.rule_ids.join(", ")}`));
    list.append(item);
  }
  out.append(list);
}

async function copy(text, button) {
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Copy failed";
  }
  setTimeout(() => { button.textContent = label; }, 1500);
}

function download(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = el("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function loadFile(file) {
  if (!file) return;
  $("config").value = await file.text();
  diagnose();
}

function wire() {
  $("diagnose").addEventListener("click", diagnose);
  $("explain").addEventListener("click", explain);
  $("config").addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); diagnose(); }
  });
  $("error-text").addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); explain(); }
  });
  $("unsafe").addEventListener("change", () => { if ($("config").value.trim()) diagnose(); });
  $("example").addEventListener("change", (e) => {
    const text = state[`example:${e.target.value}`];
    if (text) { $("config").value = text; diagnose(); }
  });
  $("file").addEventListener("change", (e) => loadFile(e.target.files[0]));
  const area = $("config");
  // A paste is the usual way in: diagnose it at once (after the value has updated).
  area.addEventListener("paste", () => setTimeout(diagnose, 0));
  area.addEventListener("dragover", (e) => { e.preventDefault(); area.classList.add("dragging"); });
  area.addEventListener("dragleave", () => area.classList.remove("dragging"));
  area.addEventListener("drop", (e) => {
    e.preventDefault();
    area.classList.remove("dragging");
    loadFile(e.dataTransfer.files[0]);
  });
  $("copy-fixed").addEventListener("click", (e) => copy(state.fixed, e.currentTarget));
  $("copy-redacted").addEventListener("click", (e) => copy(state.redacted, e.currentTarget));
  $("download-fixed").addEventListener("click", () => download(state.fixed, "config.json"));
  $("download-redacted").addEventListener("click", () => download(state.redacted, "config.redacted.json"));
}

wire();
boot();
