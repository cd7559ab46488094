#!/usr/bin/env python3
"""Packs the Windows zip: the exe, LÄSMIG.txt (CRLF, as Notepad shows it),
the project's licence and the licence texts of every crate built into the exe
(from `cargo metadata`, the crates' own LICENSE/COPYING/NOTICE files).

Usage: python3 dist/package.py --exe PATH --triple TRIPLE --out ZIP
"""
import argparse
import json
import pathlib
import subprocess
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
LICENCE_FILES = ("license", "licence", "copying", "notice", "unlicense", "copyright")


def shipped_packages(triple):
    """The packages linked into the exe: the root's normal dependencies,
    transitively (build scripts and dev-dependencies are not shipped)."""
    meta = json.loads(subprocess.check_output(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", triple],
        cwd=ROOT))
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = meta["resolve"]["root"]
    seen, todo = set(), [root]
    while todo:
        node = nodes[todo.pop()]
        for dep in node["deps"]:
            normal = any(k["kind"] is None for k in dep["dep_kinds"])
            if normal and dep["pkg"] not in seen:
                seen.add(dep["pkg"])
                todo.append(dep["pkg"])
    return sorted((packages[i] for i in seen), key=lambda p: (p["name"], p["version"]))


def third_party_text(triple):
    parts = [
        "Tredjepartslicenser – avropskoll.exe innehåller dessa Rust-bibliotek.\r\n"
        "Third-party licences – avropskoll.exe contains these Rust libraries.\r\n",
    ]
    packages = shipped_packages(triple)
    parts.append("\r\n".join(f"{p['name']} {p['version']}: {p.get('license') or '(se texten nedan)'}"
                             for p in packages) + "\r\n")
    for p in packages:
        folder = pathlib.Path(p["manifest_path"]).parent
        files = sorted(f for f in folder.iterdir()
                       if f.is_file() and f.name.lower().startswith(LICENCE_FILES))
        header = f"\r\n{'=' * 78}\r\n{p['name']} {p['version']} ({p.get('license') or 'se nedan'})\r\n{'=' * 78}\r\n"
        body = "".join(f"\r\n--- {f.name} ---\r\n" + crlf(f.read_text(errors="replace")) for f in files)
        parts.append(header + (body or "\r\n(ingen licensfil i paketet; licens enligt ovan)\r\n"))
    return "".join(parts), len(packages)


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def main():
    args = argparse.ArgumentParser()
    args.add_argument("--exe", required=True)
    args.add_argument("--triple", required=True)
    args.add_argument("--out", required=True)
    a = args.parse_args()
    third, count = third_party_text(a.triple)
    with zipfile.ZipFile(a.out, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(a.exe, "avropskoll.exe")
        z.writestr("LÄSMIG.txt", crlf((ROOT / "dist" / "LÄSMIG.txt").read_text()).encode("utf-8-sig"))
        z.writestr("LICENS.txt", crlf((ROOT / "LICENSE").read_text()))
        z.writestr("TREDJEPARTSLICENSER.txt", third)
    print(f"package.py: {a.out}: the exe, LÄSMIG.txt, LICENS.txt, licences of {count} crates")


if __name__ == "__main__":
    main()
