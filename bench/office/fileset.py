#!/usr/bin/python3
"""The office file set of bench/office/make.sh, made from a seed (Python standard library only).

  fileset.py SEED SHARES_DIR UPLOAD_DIR MANIFEST

Writes the files the server has before any client connects (SHARES_DIR/docs, SHARES_DIR/projects,
an empty SHARES_DIR/scratch), the files the clients upload (UPLOAD_DIR) and MANIFEST, a JSON
{"docs": [[path, size], ...], "projects": [...], "upload": [...]} the client scripts pick from.
The same seed gives the same names, sizes and bytes. Sizes: most documents 1-64 KiB (log-uniform,
so small ones are common), a few 1-5 MB presentations and archives.
"""

import json
import os
import random
import sys

KIB = 1024
WORDS = ("budget minutes report draft final review plan invoice contract memo notes offer "
         "summary agenda forecast policy checklist proposal schedule audit").split()
EXTS = (".docx", ".xlsx", ".pdf", ".txt", ".pptx", ".msg", ".csv")


def doc_size(rng: random.Random) -> int:
    return int(KIB * 64 ** rng.random())  # 1 KiB .. 64 KiB, log-uniform


def name(rng: random.Random, n: int) -> str:
    return f"{rng.choice(WORDS)}_{rng.choice(WORDS)}_{n:04d}{rng.choice(EXTS)}"


def write(path: str, size: int, rng: random.Random) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(rng.randbytes(size))


def folder(rng, root, share, rel, count, out, big=0):
    for n in range(count):
        p = f"{rel}/{name(rng, n)}"
        size = doc_size(rng)
        write(f"{root}/{share}/{p}", size, rng)
        out.append([p, size])
    for n in range(big):
        p = f"{rel}/large_{n:02d}{rng.choice(('.pptx', '.zip', '.pdf'))}"
        size = rng.randint(1_000_000, 5_000_000)
        write(f"{root}/{share}/{p}", size, rng)
        out.append([p, size])


def main() -> None:
    seed, shares, upload, manifest = sys.argv[1:]
    rng = random.Random(f"office-{seed}")
    docs, projects, up = [], [], []
    # docs: department folders with hundreds of entries each
    for rel, count, big in (("Policies", 120, 0), ("Templates", 80, 1), ("Minutes", 400, 0),
                            ("HR", 150, 0), ("Archive", 600, 2), ("Presentations", 40, 3)):
        folder(rng, shares, "docs", rel, count, docs, big)
    for year in range(2019, 2024):
        folder(rng, shares, "docs", f"Reports/{year}", 300, docs)
    # projects: many project folders, each with a subfolder
    for p in range(24):
        folder(rng, shares, "projects", f"P{p:03d}", rng.randint(40, 90), projects)
        folder(rng, shares, "projects", f"P{p:03d}/drafts", rng.randint(10, 30), projects)
    os.makedirs(f"{shares}/scratch", exist_ok=True)
    # uploads: what the clients write (documents, and a few large ones)
    for n in range(400):
        size = doc_size(rng)
        write(f"{upload}/up_{n:04d}.bin", size, rng)
        up.append([f"up_{n:04d}.bin", size])
    for n in range(3):
        size = rng.randint(1_000_000, 5_000_000)
        write(f"{upload}/big_{n}.bin", size, rng)
        up.append([f"big_{n}.bin", size])
    with open(manifest, "w") as f:
        json.dump({"docs": docs, "projects": projects, "upload": up}, f)
    total = sum(s for _, s in docs + projects + up)
    print(f"fileset: {len(docs)} docs, {len(projects)} project files, {len(up)} uploads, {total} bytes")


if __name__ == "__main__":
    main()
