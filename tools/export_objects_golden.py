#!/usr/bin/env python3
"""Record what Wireshark's "Export Objects -> SMB" extracts from every capture of the public
corpus, so tests can compare our file carving against it without running tshark.

Writes tests/corpus/golden/smb_export_objects.json (sorted keys, sorted objects, no contents).

    python3 tools/export_objects_golden.py [--corpus DIR] [--out FILE] [--only SUBSTRING] [--timeout S]

Captures: catalog.json entries plus *.pcap|*.pcapng|*.cap|*.gz found by walking the source
folders (expected/ and oracle/ skipped), exactly like tools/make_corpus_golden.ts. The `-d`
decode-as options named in a capture's catalog note are passed to every tshark run.
Each tshark run gets its own empty WIRESHARK_CONFIG_DIR (default preferences) and a fresh
output directory, because tshark's duplicate-name suffix depends on what already exists there.

Per capture, three tshark passes:
  1. tshark -n -r PCAP [EXTRA] -q --export-objects smb,OUTDIR   -> objects (name, size, hashes)
  2. SMB2 fields (CREATE/CLOSE/QUERY_DIRECTORY, fid, tree, eof)    -> expectedSize, kind, psexec
  3. SMB1 fields (NT CREATE/TRANS2, smb.file, smb.path, eof)       -> same for SMB1
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "tests", "corpus", "golden", "smb_export_objects.json")
CAPTURE_RE = re.compile(r"\.(pcap|pcapng|cap|gz)$", re.I)
EXPORT_CMD = "WIRESHARK_CONFIG_DIR=$(mktemp -d) tshark -n -r PCAP [EXTRA] -q --export-objects smb,OUTDIR"
PSEXEC_RE = re.compile(r"PSEXESVC|RemCom_|csexec|paexec|-stdin|-stdout|-stderr", re.I)
SMB2_FIELDS = ["frame.number", "smb2.cmd", "smb2.flags.response", "smb2.nt_status", "smb2.response_to",
               "smb2.tree", "smb2.fid", "smb2.filename", "smb2.eof"]
SMB1_FIELDS = ["frame.number", "smb.cmd", "smb.flags.response", "smb.nt_status", "smb.response_to",
               "smb.path", "smb.fid", "smb.file", "smb.end_of_file", "smb.trans2.cmd"]
WELL_KNOWN_PIPES = {"atsvc", "samr", "lsarpc", "srvsvc", "svcctl", "netlogon", "spoolss", "winreg", "wkssvc",
                    "protected_storage", "epmapper", "browser", "efsrpc", "lsass", "ntsvcs", "netdfs", "eventlog"}
DUP_RE = re.compile(r"^(.*)\((\d+)\)(\.[^.]*)?$")


def walk(root, rel=""):
    out = []
    for e in sorted(os.listdir(os.path.join(root, rel) if rel else root)):
        r = f"{rel}/{e}" if rel else e
        full = os.path.join(root, r)
        if os.path.isdir(full):
            if e in ("expected", "oracle"):
                continue
            out += walk(root, r)
        elif os.path.isfile(full) and CAPTURE_RE.search(e):
            out.append(r)
    return out


def extra_options(entry):
    out = []
    for m in re.finditer(r"(?:^|\s|\()-d\s+([^\s)]+)", (entry or {}).get("note", "") or ""):
        out += ["-d", m.group(1)]
    return out


def tshark(args, timeout):
    env = dict(os.environ)
    cfg = tempfile.mkdtemp(prefix="wscfg")
    env["WIRESHARK_CONFIG_DIR"] = cfg
    try:
        p = subprocess.run(["tshark", "-n"] + args, capture_output=True, env=env, timeout=timeout)
        err = "\n".join(l for l in p.stderr.decode("utf-8", "replace").splitlines()
                        if "dangerous" not in l and l.strip())
        return p.returncode, p.stdout.decode("utf-8", "surrogateescape"), err
    except subprocess.TimeoutExpired:
        return None, "", f"timeout after {timeout} s"
    finally:
        shutil.rmtree(cfg, ignore_errors=True)


def unescape(name):
    """tshark's eo_massage_str escapes each of <>:"/\\|?* and bytes 0x01-0x1f as %xx (lowercase hex)."""
    return re.sub(r"%([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), name)


def rows(stdout, nfields):
    for line in stdout.splitlines():
        cols = line.split("\t")
        if len(cols) < nfields:
            cols += [""] * (nfields - len(cols))
        yield [c.split("|") if c else [] for c in cols]


def norm_path(p):
    """Share-relative path as tshark's export names it: SMB2 names get a leading backslash."""
    return p if p.startswith("\\") else "\\" + p


def analyse_smb2(path, extra, timeout, info):
    args = ["-r", path] + extra + ["-Y", "smb2", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|",
                                   "-E", "quote=n"]
    for f in SMB2_FIELDS:
        args += ["-e", f]
    rc, out, err = tshark(args, timeout)
    if rc != 0:
        info["errors"].append(f"smb2 fields pass rc={rc}: {err}")
    frames = {}
    for r in rows(out, len(SMB2_FIELDS)):
        d = dict(zip(SMB2_FIELDS, r))
        frames[int(d["frame.number"][0])] = d
    fid_name = {}
    for num, d in frames.items():
        cmds = d["smb2.cmd"]
        resp = d["smb2.flags.response"]
        # requests: filename of CREATE, tree
        for name in d["smb2.filename"]:
            if "5" in cmds:
                info["names"].setdefault(norm_path(name), {"trees": set(), "eof": set()})
                info["names"][norm_path(name)]["trees"].update(d["smb2.tree"])
        if "5" in cmds and "1" in resp and d["smb2.response_to"]:
            req = frames.get(int(d["smb2.response_to"][0]))
            if req and req["smb2.filename"] and d["smb2.nt_status"][:1] == ["0x00000000"]:
                name = norm_path(req["smb2.filename"][0])
                ent = info["names"].setdefault(name, {"trees": set(), "eof": set()})
                ent["eof"].update(int(v) for v in d["smb2.eof"] if v and int(v) > 0)
                for fid in d["smb2.fid"]:
                    if fid != "00000000-0000-0000-0000-000000000000":
                        fid_name[fid] = name
        for i, c in enumerate(cmds):
            if c == "14" and i < len(resp) and resp[i] == "1":
                st = d["smb2.nt_status"][i] if i < len(d["smb2.nt_status"]) else "?"
                k = "smb2QueryDirectoryResponsesOk" if st == "0x00000000" else "smb2QueryDirectoryResponsesOther"
                info["tree"][k] = info["tree"].get(k, 0) + 1
    # close responses carry eof when post-query was requested: credit it to the fid's name
    for num, d in frames.items():
        if "6" in d["smb2.cmd"] and "1" in d["smb2.flags.response"] and d["smb2.response_to"]:
            req = frames.get(int(d["smb2.response_to"][0]))
            if req:
                for fid in req["smb2.fid"]:
                    if fid in fid_name:
                        info["names"][fid_name[fid]]["eof"].update(
                            int(v) for v in d["smb2.eof"] if v and int(v) > 0)
    # psexec-style pipes: frames naming the pipe, or using a handle opened on it
    for num, d in frames.items():
        hit = set()
        for name in d["smb2.filename"]:
            if PSEXEC_RE.search(name):
                hit.add(name.lstrip("\\"))
        for fid in d["smb2.fid"]:
            n = fid_name.get(fid)
            if n and PSEXEC_RE.search(n):
                hit.add(n.lstrip("\\"))
        if d["smb2.response_to"] and not hit:
            req = frames.get(int(d["smb2.response_to"][0]))
            if req:
                for name in req["smb2.filename"]:
                    if PSEXEC_RE.search(name):
                        hit.add(name.lstrip("\\"))
                for fid in req["smb2.fid"]:
                    n = fid_name.get(fid)
                    if n and PSEXEC_RE.search(n):
                        hit.add(n.lstrip("\\"))
        for h in hit:
            info["psexec"][h] = info["psexec"].get(h, 0) + 1


def analyse_smb1(path, extra, timeout, info):
    args = ["-r", path] + extra + ["-Y", "smb", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|",
                                   "-E", "quote=n"]
    for f in SMB1_FIELDS:
        args += ["-e", f]
    rc, out, err = tshark(args, timeout)
    if rc != 0:
        info["errors"].append(f"smb1 fields pass rc={rc}: {err}")
    for r in rows(out, len(SMB1_FIELDS)):
        d = dict(zip(SMB1_FIELDS, r))
        cmds = d["smb.cmd"]
        resp = d["smb.flags.response"][:1] == ["1"]
        files = set(d["smb.file"])
        for name in files:
            ent = info["names"].setdefault(name, {"trees": set(), "eof": set()})
            ent["trees"].update(d["smb.path"])
            if "0xa2" in cmds and resp and d["smb.nt_status"][:1] == ["0x00000000"]:
                ent["eof"].update(int(v) for v in d["smb.end_of_file"] if v and int(v) > 0)
        hit = {n.lstrip("\\") for n in files if PSEXEC_RE.search(n)}
        for h in hit:
            info["psexec"][h] = info["psexec"].get(h, 0) + 1
        if "0x32" in cmds and resp:
            for sub in d["smb.trans2.cmd"]:
                if sub in ("0x0001", "0x0002", "1", "2"):
                    k = "smb1FindFirst2Responses" if sub in ("0x0001", "1") else "smb1FindNext2Responses"
                    info["tree"][k] = info["tree"].get(k, 0) + 1


def digest(path):
    s, m = hashlib.sha256(), hashlib.md5()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            s.update(chunk)
            m.update(chunk)
    return s.hexdigest(), m.hexdigest()


def do_capture(corpus, rel, entry, timeout):
    full = os.path.join(corpus, rel)
    extra = extra_options(entry)
    res = {"objects": []}
    if extra:
        res["tsharkExtra"] = extra
    info = {"names": {}, "psexec": {}, "tree": {}, "errors": []}
    outdir = tempfile.mkdtemp(prefix="eo")
    try:
        rc, _, err = tshark(["-r", full] + extra + ["-q", "--export-objects", f"smb,{outdir}"], timeout)
        if rc != 0:
            res["error"] = f"rc={rc}: {err}"
        analyse_smb2(full, extra, timeout, info)
        analyse_smb1(full, extra, timeout, info)
        names = sorted(os.listdir(outdir))
        present = set(names)
        for n in names:
            sha, md5 = digest(os.path.join(outdir, n))
            size = os.path.getsize(os.path.join(outdir, n))
            obj = {"name": n, "size": size, "sha256": sha, "md5": md5}
            base, dup = n, 0
            m = DUP_RE.match(n)
            if m and (m.group(1) + (m.group(3) or "")) in present:
                base, dup = m.group(1) + (m.group(3) or ""), int(m.group(2))
            obj["dupIndex"] = dup
            if base.startswith("File_Id_"):
                obj["path"] = None
                obj["kind"] = "unnamed"
                obj["note"] = "tshark did not see the CREATE naming this handle; name is File_Id_<GUID>"
            else:
                p = unescape(base)
                obj["path"] = p
                ent = info["names"].get(p) or info["names"].get(p.lstrip("\\"))
                trees = sorted(ent["trees"]) if ent else []
                if trees:
                    obj["trees"] = trees
                if trees and all(t.upper().endswith("\\IPC$") for t in trees):
                    obj["kind"] = "pipe"
                elif trees and not any(t.upper().endswith("\\IPC$") for t in trees):
                    obj["kind"] = "file"
                elif not trees and ent and ent["eof"]:
                    obj["kind"], obj["kindBy"] = "file", "endOfFile"
                elif not trees and p.lstrip("\\").lower() in WELL_KNOWN_PIPES:
                    obj["kind"], obj["kindBy"] = "pipe", "name"
                else:
                    obj["kind"] = "unknown"
                if ent and obj["kind"] != "pipe":
                    eofs = sorted(ent["eof"])
                    if len(eofs) == 1:
                        obj["expectedSize"] = eofs[0]
                        obj["complete"] = size == eofs[0]
                    elif eofs:
                        obj["endOfFileValues"] = eofs
            res["objects"].append(obj)
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    res["objects"].sort(key=lambda o: o["name"])
    # psexec section: named pipes only (opened in an IPC$ tree), e.g. not the PSEXESVC.exe upload
    pipes = {}
    for n, count in info["psexec"].items():
        ent = info["names"].get("\\" + n) or info["names"].get(n)
        trees = ent["trees"] if ent else set()
        if trees and all(t.upper().endswith("\\IPC$") for t in trees):
            pipes[n] = count
    info["psexec"] = pipes
    if info["errors"]:
        res["analysisErrors"] = info["errors"]
    return res, info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.environ.get("SMBSCOPE_CORPUS", "/work/shared/pcaps/public"))
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", default=None)
    ap.add_argument("--timeout", type=int, default=120)
    a = ap.parse_args()
    catalog = json.load(open(os.path.join(a.corpus, "catalog.json")))
    by_path = {c["path"]: c for c in catalog["captures"]}
    allp = sorted(set(by_path) | set(walk(a.corpus)))
    if a.only:
        allp = [p for p in allp if a.only in p]
    version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    captures, psexec, trees = {}, {}, {}
    for rel in allp:
        res, info = do_capture(a.corpus, rel, by_path.get(rel), a.timeout)
        captures[rel] = res
        if info["psexec"]:
            psexec[rel] = {"pipes": dict(sorted(info["psexec"].items()))}
        if info["tree"]:
            trees[rel] = dict(sorted(info["tree"].items()))
        print(f"{rel}: {len(res['objects'])} objects{' ERROR ' + res['error'] if 'error' in res else ''}",
              file=sys.stderr)
    golden = {
        "tool": version,
        "generated": datetime.date.today().isoformat(),
        "command": EXPORT_CMD,
        "generator": "tools/export_objects_golden.py",
        "corpus": "shared/pcaps/public (catalog.json + walk of <source>/ dirs, expected/ and oracle/ skipped)",
        "notes": [
            "name: file name exactly as tshark wrote it in OUTDIR. tshark (epan/export_object.c eo_massage_str) "
            "replaces each of < > : \" / \\ | ? * and bytes 0x01-0x1f by %xx (two lowercase hex digits); "
            "'%' itself and bytes >= 0x80 (UTF-8) are not escaped, so the escaping is not reversible in general.",
            "A second, third... object with the same massaged name gets \"(N)\" (N = 1, 2, ...) inserted "
            "before the last '.' of the whole name (or appended when there is no '.'), e.g. %5c.DS_Store -> "
            "%5c(1).DS_Store, %5ctemp%5cmimikatz.exe -> %5ctemp%5cmimikatz(1).exe. N follows tshark's "
            "internal object-list order (one object per open handle that carried READ/WRITE data; e.g. the "
            "4096-byte partial read of mimikatz.exe is the bare name, the full 804352-byte read is (1)). "
            "Names longer than 255 bytes are truncated (extension kept).",
            "Objects whose handle was never named by a CREATE seen by tshark are called File_Id_<SMB2 GUID> "
            "(no %5c); SMB1 pipe opens may lack the leading backslash (e.g. 'lsarpc').",
            "path: name with the (N) suffix removed and %xx decoded: the share-relative path tshark "
            "recorded (SMB2 names get a leading backslash). dupIndex: N (0 = first).",
            "kind: pipe when every tree the path was opened in is \\\\host\\IPC$, file when none is, "
            "unknown otherwise, unnamed for File_Id_ objects. When no TREE_CONNECT was captured (midstream): "
            "file if a CREATE response gave a non-zero end-of-file (kindBy: endOfFile), pipe if the path is a "
            "well-known RPC pipe name such as atsvc (kindBy: name).",
            "size: bytes tshark wrote = highest offset+length of READ/WRITE data seen on the handle "
            "(gaps are zero-filled; the CREATE's end-of-file is not used for the size).",
            "expectedSize: the single distinct non-zero end-of-file value tshark shows in successful "
            "CREATE (SMB1 NT CREATE ANDX / SMB2 CREATE, incl. compounded responses) and SMB2 CLOSE responses "
            "for that path (files only); endOfFileValues lists them when there are several. "
            "complete = (size == expectedSize); holes inside [0,size) are not detected.",
            "psexec: captures whose SMB1 smb.file / SMB2 CREATE smb2.filename (or handles opened on them) "
            "match PSEXESVC|RemCom_|csexec|paexec|-stdin|-stdout|-stderr (case-insensitive); "
            "only names opened in an IPC$ tree (named pipes) are kept; pipes = frames mentioning each name "
            "(CREATE request/response and every request/response on a handle opened on it).",
            "shareTreeSources: captures with SMB2 QUERY_DIRECTORY responses (Ok = STATUS_SUCCESS, Other = "
            "any other status, e.g. STATUS_NO_MORE_FILES) or SMB1 TRANS2 FIND_FIRST2/FIND_NEXT2 responses.",
        ],
        "captures": captures,
        "psexec": psexec,
        "shareTreeSources": trees,
    }
    with open(a.out, "w") as fh:
        json.dump(golden, fh, indent=1, sort_keys=True, ensure_ascii=False)
        fh.write("\n")
    summary(golden)


def summary(g):
    caps = g["captures"]
    objs = [(c, o) for c, v in caps.items() for o in v["objects"]]
    with_objs = [c for c, v in caps.items() if v["objects"]]
    kinds = {}
    for _, o in objs:
        kinds[o.get("kind")] = kinds.get(o.get("kind"), 0) + 1
    print(f"captures: {len(caps)}, with SMB objects: {len(with_objs)}, objects: {len(objs)}, kinds: {kinds}")
    print(f"total bytes: {sum(o['size'] for _, o in objs)}, zero-size: "
          f"{[(c, o['name']) for c, o in objs if o['size'] == 0]}")
    print(f"duplicates (dupIndex>0): {sum(1 for _, o in objs if o['dupIndex'])}")
    print("incomplete:", [(c, o["name"], o["size"], o["expectedSize"]) for c, o in objs if o.get("complete") is False])
    print("ambiguous eof:", [(c, o["name"], o["endOfFileValues"]) for c, o in objs if "endOfFileValues" in o])
    print("errors:", {c: v["error"] for c, v in caps.items() if "error" in v})
    print("analysisErrors:", {c: v["analysisErrors"] for c, v in caps.items() if "analysisErrors" in v})
    print("psexec:", json.dumps(g["psexec"], indent=1))
    print("shareTreeSources:", json.dumps(g["shareTreeSources"], indent=1))


if __name__ == "__main__":
    main()
