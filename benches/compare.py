#!/usr/bin/env python3
"""Compares trustmap's PDF build with `typst compile` run once per document on the same sources.

Generates a workspace of N sample-like partners (the bundled samples, copied under new names),
builds it with the release binary (`--format pdf,typ`, which also keeps the Typst sources), then
compiles every kept source with the `typst` CLI, one process per document. Then builds it as
Markdown and HTML, again with nothing changed, and again after one answer file changed (checked
to be byte for byte a full build). Prints wall-clock time and peak memory (of the largest single
process) of each. Needs /usr/bin/time (Debian's
`time` package). Usage: benches/compare.py [N] (default 100); needs `typst` on PATH
(cargo install typst-cli --locked) for the second half.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generate(dest, n):
    """Copies the samples' answer files until there are `n` partners, each under a new id."""
    src = os.path.join(ROOT, "samples", "assessments")
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith((".yaml", ".md")))
    ids = sorted({re.search(r"^(?:id|partner): *(.+)$", open(f).read(), re.M).group(1) for f in files})
    per_copy = len(ids)
    copies = -(-n // per_copy)
    os.makedirs(os.path.join(dest, "assessments"))
    shutil.copy(os.path.join(ROOT, "samples", "trustmap.toml"), dest)
    made = set()
    for k in range(copies):
        for f in files:
            text = open(f).read()
            partner = re.search(r"^partner: *(.+)$", text, re.M).group(1).strip().strip('"')
            if len(made | {partner + str(k)}) > n:
                continue
            made.add(partner + str(k))
            text = re.sub(r"^partner: *(.+)$", lambda m: f"partner: \"{partner} {k}\"", text, count=1, flags=re.M)
            text = re.sub(r"^id: .*\n", "", text, flags=re.M)
            name = f"c{k}-" + os.path.relpath(f, src).replace("/", "-")
            open(os.path.join(dest, "assessments", name), "w").write(text)
    return len(made)


def run(cmd):
    """Runs a command under /usr/bin/time; returns (seconds, its peak RSS in MB)."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *cmd], check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        return seconds, int(report.read().split()[-1]) / 1024


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    subprocess.run(["cargo", "build", "--release", "--quiet"], check=True, cwd=ROOT)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = os.path.join(target, "release", "trustmap")
    with tempfile.TemporaryDirectory() as ws:
        partners = generate(ws, n)
        print(f"{partners} partners, {partners + 1} PDF documents")
        rows = []
        for jobs in ["1", "2"]:
            out = os.path.join(ws, f"out{jobs}")
            secs, mb = run([binary, "build", ws, "-q", "--format", "pdf,typ", "-o", out, "--jobs", jobs])
            rows.append((f"trustmap build --format pdf,typ --jobs {jobs}", secs, mb))
        if shutil.which("typst"):
            out = os.path.join(ws, "out2")
            sources = sorted(os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs if f.endswith(".typ"))
            start = time.perf_counter()
            peak = 0.0
            for src in sources:
                _, mb = run(["typst", "compile", "--root", os.path.dirname(src), "--ignore-system-fonts", src, src[:-4] + ".cli.pdf"])
                peak = max(peak, mb)
            rows.append((f"typst compile, once per document ({len(sources)} runs)", time.perf_counter() - start, peak))
        else:
            print("typst is not on PATH: skipping the typst CLI comparison")
        rows.extend(incremental(binary, ws))
        print(f"{'what':<55} {'seconds':>8} {'peak MB':>8}")
        for what, secs, mb in rows:
            print(f"{what:<55} {secs:>8.2f} {mb:>8.0f}")


def incremental(binary, ws):
    """Markdown and HTML: a full build, a rebuild with nothing changed, and one after one answer
    file changed; the last is checked to be byte for byte a full build."""
    out = os.path.join(ws, "out-incremental")
    build = [binary, "build", ws, "-q", "--format", "md,html", "-o", out]
    rows = []
    secs, mb = run(build)
    rows.append(("trustmap build --format md,html (full)", secs, mb))
    secs, mb = run(build)
    rows.append(("  again, nothing changed", secs, mb))
    first = sorted(os.listdir(os.path.join(ws, "assessments")))[0]
    path = os.path.join(ws, "assessments", first)
    text = open(path).read()
    changed = re.sub(r"^(  [a-z_.]+: )([2-5])$", lambda m: m.group(1) + str(int(m.group(2)) - 1), text, count=1, flags=re.M)
    open(path, "w").write(changed)
    secs, mb = run(build)
    rows.append(("  again, one answer file changed", secs, mb))
    fresh = os.path.join(ws, "out-full")
    run([binary, "build", ws, "-q", "--format", "md,html", "-o", fresh])
    same = subprocess.run(["diff", "-r", "-q", out, fresh], stdout=subprocess.DEVNULL).returncode == 0
    print(f"incremental result byte for byte a full build's: {same}")
    return rows


if __name__ == "__main__":
    main()
