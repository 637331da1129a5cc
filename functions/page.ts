/**
 * `GET /`: a small upload page, plain HTML and JavaScript (no build step).
 * Every string from the capture is put in the page with `textContent`, never
 * as HTML, since captures come from attackers.
 * @module
 */

/** The page. */
export const UPLOAD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>smbscope</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #222; }
  #drop { border: 2px dashed #888; border-radius: 8px; padding: 1.5rem; text-align: center; }
  #drop.over { background: #eef; }
  table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
  th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
  th { background: #f4f4f4; }
  #status.error { color: #b00; }
  td { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; }
  #alerts h2 { color: #a00; }
  tr.critical td, tr.high td { background: #fde2e2; }
  tr.medium td { background: #fff3d6; }
  tr.critical td:first-child, tr.high td:first-child { color: #a00; font-weight: bold; }
  th { cursor: pointer; user-select: none; }
  th[aria-sort="ascending"]::after { content: " \u25B2"; }
  th[aria-sort="descending"]::after { content: " \u25BC"; }
  td.num { text-align: right; }
</style>
</head>
<body>
<h1>smbscope</h1>
<p>Decode a packet capture (pcap or pcapng, gzip-compressed or not): connections, SMB sessions,
NTLM logins, shares, files (with hashes; the carved files as a zip), DCE/RPC calls, alerts of the
detection rules (listed first) and anomalies. The capture is sent to this server and decoded as it streams.
A capture too large to upload, kept on a web or object store, can be read by the server itself:
<code>POST /decode?source=URL</code> with no body (range requests, from hosts the operator allows;
see <a href="/api">/api</a>).</p>
<div id="drop">
  <p>Drop a capture here, or <input type="file" id="file" aria-label="capture file"></p>
</div>
<details id="secrets"><summary>Decrypt SMB3, check signatures and passwords (optional)</summary>
<p>One secret a line: <code>password DOMAIN\\user:Passw0rd</code>, <code>nt-hash user:32 hex digits</code>,
<code>session-key SESSIONID:hex</code>. Sent with the capture, used for this decode only, never in the output.</p>
<textarea id="keys" rows="4" cols="70" aria-label="secrets" spellcheck="false" autocomplete="off"></textarea>
</details>
<p id="status" role="status"></p>
<p><a id="download" hidden download="smbscope.json">download JSON</a>
<button id="zip" hidden>download carved files (zip)</button></p>
<div id="results"></div>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const status = $("status"), results = $("results"), download = $("download"), zip = $("zip");
let current;

function el(tag, text) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  return e;
}
function cell(v) {
  if (v === undefined || v === null) return "";
  if (Array.isArray(v)) return v.map(cell).join("\\n");
  if (typeof v === "object") return v.text !== undefined ? v.text : JSON.stringify(v);
  return String(v);
}
// A byte count as people read it (512 B, 20.5 kB, 4.56 MB), sorted by the number, exact in its title.
function bytes(n) {
  if (n === undefined || n === null) return undefined;
  let value = n, unit = "B";
  for (const u of ["kB", "MB", "GB", "TB"]) {
    if (value < 1000) break;
    value /= 1000;
    unit = u;
  }
  const text = unit === "B" ? n + " B" : (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)) + " " + unit;
  return { text, sort: n, title: n + " bytes" };
}
// What a cell sorts by: its number (bytes, counts, ids, frames), else its text.
function sortKey(v) {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && v.sort !== undefined) return v.sort;
  if (typeof v === "number") return v;
  if (Array.isArray(v) && typeof v[0] === "number") return v[0];
  return cell(v).toLowerCase();
}
// Click a column's head to sort by it; again to reverse. Rows move, nothing is re-rendered.
function sortBy(t, index, th) {
  const ascending = th.getAttribute("aria-sort") !== "ascending";
  for (const other of t.rows[0].cells) other.removeAttribute("aria-sort");
  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const rows = [...t.rows].slice(1);
  rows.sort((a, b) => {
    const x = a.cells[index].sortKey, y = b.cells[index].sortKey;
    const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return ascending ? c : -c;
  });
  for (const r of rows) t.append(r);
}
// rowClass(row), when given, names a class for the row (never HTML: a class name of ours).
function table(id, title, columns, rows, rowClass) {
  const section = el("section");
  section.id = id;
  section.append(el("h2", title + " (" + rows.length + ")"));
  if (rows.length === 0) return section;
  const t = el("table"), head = el("tr");
  columns.forEach(([name], i) => {
    const th = el("th", name);
    th.title = "sort by " + name;
    th.addEventListener("click", () => sortBy(t, i, th));
    head.append(th);
  });
  t.append(head);
  for (const row of rows) {
    const tr = el("tr");
    if (rowClass) tr.className = rowClass(row);
    for (const [, get] of columns) {
      const v = get(row), td = el("td", cell(v));
      td.sortKey = sortKey(v);
      if (v !== null && typeof v === "object" && v.title) td.title = v.title;
      if (typeof td.sortKey === "number") td.className = "num";
      tr.append(td);
    }
    t.append(tr);
  }
  section.append(t);
  return section;
}
const ep = (e) => e ? (e.ip.includes(":") ? "[" + e.ip + "]" : e.ip) + ":" + e.port : "";
// An account of the summary as the text view writes it: DOMAIN\\user, marked when every login was refused.
const account = (u) => (u.domain ? u.domain + "\\\\" + u.user : u.user) + (u.refused ? " (refused)" : "");
const time = (ts) => ts ? new Date(ts * 1000).toISOString() : "";
// A session's user, or that it was anonymous (a null session).
const who = (x) => x.user || (x.anonymous ? "(anonymous)" : "");

// DCE/RPC: a few name=value pairs of scalar arguments (handles left out), as the text view
// writes them; arrays as their length; long strings cut (the JSON has them whole).
function pairs(values, max) {
  const out = [];
  for (const [k, v] of Object.entries(values || {})) {
    if (out.length === max) break;
    if (/handle$/i.test(k) || v === null || v === "" || (typeof v === "object" && !Array.isArray(v))) continue;
    const s = Array.isArray(v) ? "[" + v.length + "]" : String(v);
    out.push(k + "=" + (s.length > 80 ? s.slice(0, 80) + "\u2026" : s));
  }
  return out.join("  ");
}
const rpcVia = (r) => (r.evidence.connection === undefined ? "" : "#" + r.evidence.connection + " ") +
  (r.pipe !== undefined ? "\\\\pipe\\\\" + r.pipe + " (" + r.transport + ")" : r.transport);
function rpcCall(r) {
  if (r.action === "call") {
    return (r.interfaceName || r.interface || "?") + "." + (r.operation || "opnum" + r.opnum);
  }
  return r.action.replace("_", " ") + " " + (r.contexts || []).map((c) =>
    (c.interfaceName || c.interface) + " v" + c.interfaceVersion +
    (c.result && c.result !== "acceptance" ? " (" + c.result + ")" : "")).join(", ");
}
function rpcOutcome(r) {
  let s = r.outcome === "no_response" ? "no response" : r.statusName || r.outcome;
  if (r.rejectReason) s += " (" + r.rejectReason + ")";
  if (r.authType) s += "; auth " + r.authType + "/" + r.authLevel;
  if (r.encrypted) s += "; encrypted";
  return s;
}
function rpcArguments(r) {
  const args = pairs(r.arguments, 4), results = pairs(r.results, 3);
  return [args, results && "\u2192 " + results, r.argumentsNote].filter(Boolean).join("\\n");
}

const SEVERITIES = ["low", "medium", "high", "critical"];
function render(doc) {
  results.replaceChildren();
  // Alerts first, above everything else: what an incident responder looks for.
  results.append(table("alerts", "Alerts", [
    ["severity", (a) => a.severity.toUpperCase()], ["rule", (a) => a.rule],
    ["title", (a) => a.title], ["message", (a) => a.message], ["user", (a) => a.user],
    ["connection", (a) => (a.evidence.connection === undefined ? "" : "#" + a.evidence.connection + " ") +
      (a.client ? ep(a.client) + " \u2192 " : "") + ep(a.server)],
    ["frames", (a) => a.evidence.frames.join(", ")],
  ], doc.alerts || [], (a) => SEVERITIES.includes(a.severity) ? a.severity : ""));
  const s = doc.summary || {};
  const smb = s.smb || {};
  const rpc = doc.rpc || [];
  const facts = [
    ["format", s.format + (s.gzip ? " (gzip)" : "")], ["bytes", bytes(s.bytes)], ["frames", s.frames],
    ["first packet", time(s.firstTs)], ["last packet", time(s.lastTs)],
    ["link types", s.linkTypes], ["TCP connections", s.tcpConnections],
    ["UDP conversations", s.udpConversations], ["SMB messages", smb.messages],
    ["dialects", smb.dialects], ["users", (smb.users || []).map(account).concat(smb.unlistedLogins ? [smb.unlistedLogins + " logins of further accounts"] : [])],
    ["anonymous logins", smb.anonymousLogins || 0], ["shares", smb.shares],
    ["NTLM logins (refused)", smb.authentications + " (" + smb.failedAuthentications + ")"],
    ["Kerberos logins (refused)", (smb.kerberosLogins || 0) + " (" + (smb.failedKerberosLogins || 0) + ")"],
    ["DCE/RPC calls (failed)", rpc.filter((r) => r.action === "call").length + " (" + rpc.filter((r) => r.success === false).length + ")"],
    ["alerts", s.alerts ? s.alerts.count + (s.alerts.count ? " (" + Object.entries(s.alerts.byRule).map(([r, n]) => r + " \u00D7" + n).join(", ") + ")" : "") : 0],
    ["anomalies", s.anomalies], ["truncated", doc.truncated ? "yes: " + (doc.reason ? doc.reason.message : "") : "no"],
  ];
  results.append(table("summary", "Summary", [["", (r) => r[0]], ["value", (r) => r[1]]], facts));
  // Then in the order an analyst reads them: who logged in, what files moved, what RPC did,
  // the SMB sessions and trees, and last the connections underneath.
  results.append(table("authentications", "NTLM authentications", [
    ["domain", (a) => a.domain], ["user", (a) => a.anonymous ? "(anonymous)" : a.user],
    ["workstation", (a) => a.workstation], ["client", (a) => ep(a.client)], ["server", (a) => ep(a.server)],
    ["NTLM", (a) => a.ntlmVersion], ["result", (a) => a.success === undefined ? "?" : a.success ? "success" : "refused"],
    ["status", (a) => a.statusName], ["frames", (a) => a.evidence.frames],
  ], doc.authentications || []));
  if ((doc.kerberos || []).length > 0) {
    results.append(table("kerberos", "Kerberos logins", [
      ["client principal", (k) => k.clientPrincipal ? k.clientPrincipal + "@" + (k.clientRealm || "") : "?"],
      ["service", (k) => k.service + "@" + k.realm], ["client", (k) => ep(k.client)], ["ticket", (k) => k.ticketEtypeName],
      ["result", (k) => k.success === undefined ? "?" : k.success ? "success" : "refused"],
      ["status", (k) => k.statusName], ["frames", (k) => k.evidence.frames],
    ], doc.kerberos));
  }
  const files = (doc.files || []).filter((f) => !f.pipe && !f.directory && (f.bytesSeen > 0 || f.actions.length > 0));
  results.append(table("files", "Files", [
    ["share", (f) => f.share], ["path", (f) => f.path + (f.renamedTo ? " \u2192 " + f.renamedTo : "")],
    ["actions", (f) => f.actions.join(", ")], ["size", (f) => bytes(f.size)],
    ["seen", (f) => f.complete ? "complete" : bytes(f.bytesSeen).text + (f.missing ? " (missing " + f.missing.map((r) => r[0] + "-" + r[1]).join(", ") + ")" : "")],
    ["sha256", (f) => f.hashes ? f.hashes.sha256 : f.hashNote], ["user", who],
    ["client", (f) => ep(f.client)], ["frames", (f) => f.evidence.frames],
  ], files));
  zip.hidden = !files.some((f) => f.bytesSeen > 0);
  results.append(table("rpc", "DCE/RPC", [
    ["time", (r) => time(r.request ? r.request.ts : r.evidence.ts)], ["via", rpcVia],
    ["call", rpcCall], ["outcome", rpcOutcome],
    ["user", (r) => r.user || (r.anonymous ? "(anonymous)" : "")],
    ["arguments", rpcArguments], ["frames", (r) => r.evidence.frames],
  ], rpc));
  results.append(table("sessions", "SMB sessions", [
    ["conn", (x) => x.connection], ["SMB", (x) => x.versions.join(", ")], ["dialect", (x) => x.dialect],
    ["users", (x) => x.users], ["shares", (x) => x.shares], ["files", (x) => x.files],
    ["messages", (x) => x.messages], ["errors", (x) => x.errors], ["encrypted", (x) => x.encrypted],
  ], doc.smbSessions || []));
  results.append(table("trees", "Trees", [
    ["action", (t) => t.action], ["path", (t) => t.path], ["type", (t) => t.shareType],
    ["status", (t) => t.statusName], ["user", who], ["client", (t) => ep(t.client)],
    ["frames", (t) => t.evidence.frames],
  ], doc.trees || []));
  results.append(table("connections", "Connections", [
    ["#", (c) => c.id], ["transport", (c) => c.transport], ["client", (c) => ep(c.client)],
    ["server", (c) => ep(c.server)], ["state", (c) => c.state],
    ["frames", (c) => ({ text: c.firstFrame + "-" + c.lastFrame, sort: c.firstFrame })],
    ["client bytes", (c) => c.clientStats && bytes(c.clientStats.payloadBytes)],
    ["server bytes", (c) => c.serverStats && bytes(c.serverStats.payloadBytes)],
  ], doc.connections || []));
  results.append(table("anomalies", "Anomalies", [
    ["layer", (a) => a.layer], ["kind", (a) => a.kind], ["detail", (a) => a.detail],
    ["frames", (a) => a.evidence.frames],
  ], doc.anomalies || []));
}

// With secrets, a form: the keys field first, then the capture (the server reads fields before the file).
function request(file) {
  const keys = $("keys").value.trim();
  if (keys === "") {
    return { method: "POST", headers: { "content-type": "application/octet-stream" }, body: file };
  }
  const form = new FormData();
  form.append("keys", keys);
  form.append("capture", file, file.name);
  return { method: "POST", body: form };
}

async function upload(file) {
  status.className = "";
  status.textContent = "decoding " + file.name + " (" + file.size + " bytes)\u2026";
  download.hidden = true;
  zip.hidden = true;
  current = file;
  try {
    const response = await fetch("decode?format=json", request(file));
    const text = await response.text();
    const body = JSON.parse(text);
    if (!response.ok) {
      status.className = "error";
      status.textContent = response.status + " " + (body.error ? body.error.message : "error");
      results.replaceChildren();
      return;
    }
    render(body);
    if (download.href) URL.revokeObjectURL(download.href);
    download.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    download.download = file.name.replace(/\\.[^.]*$/, "") + ".smbscope.json";
    download.hidden = false;
    status.textContent = "decoded " + file.name;
  } catch (e) {
    status.className = "error";
    status.textContent = "failed: " + e;
  }
}

zip.addEventListener("click", async () => {
  if (!current) return;
  status.textContent = "carving " + current.name + "\u2026";
  try {
    const response = await fetch("decode?extract=zip", request(current));
    if (!response.ok) throw new Error(response.status + " " + (await response.text()));
    const a = el("a");
    a.href = URL.createObjectURL(await response.blob());
    a.download = current.name.replace(/\\.[^.]*$/, "") + ".files.zip";
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
    status.textContent = "carved files of " + current.name + " downloaded";
  } catch (e) {
    status.className = "error";
    status.textContent = "failed: " + e;
  }
});

$("file").addEventListener("change", (e) => {
  const f = e.target.files[0];
  if (f) upload(f);
});
const drop = $("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const f = e.dataTransfer.files[0];
  if (f) upload(f);
});
</script>
</body>
</html>
`;
