#!/usr/bin/python3
"""One smbclient session of bench/office/make.sh's office workload, as smbclient commands.

  smbclient_session.py MANIFEST PROFILE CLIENT N UPLOAD_DIR > commands

Prints the commands (one a line, for smbclient's standard input) of session N of client CLIENT,
chosen by a generator seeded with (CLIENT, N): the same arguments give the same commands.
Profiles (the share smbclient connects to first is make.sh's business):
  reader   docs: lists a department folder (hundreds of entries), reads dozens of documents,
           allinfo on a few, sometimes a 1-5 MB file; then tcon projects and reads there
  editor   scratch: makes a folder, uploads documents, reads some back, renames, setmode
           (SET_INFO), allinfo, a subfolder, deletes it all; sometimes a 1-5 MB upload
  browser  projects: recursive listing of a project, reads, allinfo, volume, echo
Files are read to /dev/null; nothing here talks to the network.
"""

import json
import random
import sys
from collections import defaultdict


def by_folder(entries):
    out = defaultdict(list)
    for path, size in entries:
        folder, _, name = path.rpartition("/")
        out[folder].append((name, size))
    return out


def win(path: str) -> str:
    return path.replace("/", "\\")


def reads(rng, cmds, files, count, small_only=True):
    pool = [f for f in files if f[1] <= 65536] if small_only else files
    for name, _ in rng.sample(pool, min(count, len(pool))):
        cmds.append(f"get {name} /dev/null")


def reader(rng, m, client, n, cmds):
    docs = by_folder(m["docs"])
    cmds.append("ls")
    for _ in range(2):
        folder = rng.choice(sorted(docs))
        cmds += ["cd \\", f"cd {win(folder)}", "ls"]
        reads(rng, cmds, docs[folder], rng.randint(15, 35))
        for name, _ in rng.sample(docs[folder], 8):
            cmds.append(f"allinfo {name}")
    if rng.random() < 0.05:
        big = [(p, s) for p, s in m["docs"] if s > 65536]
        path, _ = rng.choice(big)
        cmds += ["cd \\", f"get {win(path)} /dev/null"]
    projects = by_folder(m["projects"])
    folder = rng.choice(sorted(projects))
    cmds += ["cd \\", "tcon projects", "ls", f"cd {win(folder)}", "ls"]
    reads(rng, cmds, projects[folder], rng.randint(5, 15))
    cmds += ["cd \\", "tdis"]


def editor(rng, m, client, n, cmds, upload):
    ups = [u for u in m["upload"] if u[1] <= 65536]
    big = [u for u in m["upload"] if u[1] > 65536]
    top = f"{client}_s{n:05d}"
    cmds += [f"lcd {upload}", "ls", f"mkdir {top}", f"cd {top}"]
    chosen = rng.sample(ups, rng.randint(15, 30))
    names = [f"doc_{i:03d}{rng.choice(('.docx', '.xlsx', '.txt'))}" for i in range(len(chosen))]
    for (src, _), dst in zip(chosen, names):
        cmds.append(f"put {src} {dst}")
    cmds.append("ls")
    for dst in rng.sample(names, len(names) // 3):
        cmds.append(f"get {dst} /dev/null")
    for i in rng.sample(range(len(names)), 4):
        new = f"renamed_{i:03d}.docx"
        cmds.append(f"rename {names[i]} {new}")
        names[i] = new
    for dst in rng.sample(names, 6):
        cmds += [f"setmode {dst} +r", f"allinfo {dst}", f"setmode {dst} -r"]
    cmds += ["mkdir sub", "cd sub"]
    sub = []
    for i, (src, _) in enumerate(rng.sample(ups, 4)):
        sub.append(f"part_{i}.txt")
        cmds.append(f"put {src} part_{i}.txt")
    cmds += ["ls"] + [f"rm {s}" for s in sub] + ["cd ..", "rmdir sub"]
    if rng.random() < 0.05:
        src, _ = rng.choice(big)
        cmds += [f"put {src} big.bin", "get big.bin /dev/null", "rm big.bin"]
    cmds += [f"rm {dst}" for dst in names]
    cmds += ["cd \\", f"rmdir {top}"]


def browser(rng, m, client, n, cmds):
    projects = by_folder(m["projects"])
    top = rng.choice(sorted(f for f in projects if "/" not in f))
    cmds += ["volume", "ls", "recurse on", f"ls {top}\\*", "recurse off", f"cd {top}", "ls"]
    reads(rng, cmds, projects[top], rng.randint(10, 25))
    for name, _ in rng.sample(projects[top], 8):
        cmds.append(f"allinfo {name}")
    cmds += ["cd drafts", "ls"]
    reads(rng, cmds, projects[f"{top}/drafts"], rng.randint(3, 8))
    cmds += ["echo 1 office", "cd \\"]


def main() -> None:
    manifest, profile, client, n, upload = sys.argv[1:]
    m = json.load(open(manifest))
    rng = random.Random(f"{client}-{n}")
    cmds = []
    if profile == "reader":
        reader(rng, m, client, int(n), cmds)
    elif profile == "editor":
        editor(rng, m, client, int(n), cmds, upload)
    elif profile == "browser":
        browser(rng, m, client, int(n), cmds)
    else:
        sys.exit(f"unknown profile {profile}")
    cmds.append("logoff")
    print("\n".join(cmds))


if __name__ == "__main__":
    main()
