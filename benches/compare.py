#!/usr/bin/env python3
"""Measures trustmap against the tools a consultant would otherwise script, in one run.

Generates workspaces of sample-like partners (the bundled samples copied under new names) and,
with the release binary, prints the wall-clock time and peak memory (of the largest single
process, from /usr/bin/time, Debian's `time` package) of:

- PDF for N partners + the network (`--format pdf,typ`, which keeps the Typst sources), with one
  worker and with two, against `typst compile` run once per kept source, one at a time and two at
  a time (skipped with a message when `typst` is not on PATH: `cargo install typst-cli --locked`);
- Markdown + HTML for N partners, per document, against `pandoc -s` run once per Markdown report
  (skipped with a message when `pandoc` is not on PATH);
- at the smallest scale (default 1,000 partners): incremental builds of Markdown + HTML (into an
  empty folder, every report made again with `--force`, nothing changed, one answer file
  changed (each of the last two the median of five builds), the result checked byte for byte
  against a full build), and the PDFs with all cores;
- Markdown + HTML at each other scale (default 10,000 partners): time and peak memory, and their
  growth from the smallest scale.

Usage: benches/compare.py [N] [--scales 1000,10000] (N defaults to 100).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

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
    args = sys.argv[1:]
    scales = [1000, 10000]
    if "--scales" in args:
        i = args.index("--scales")
        scales = [int(x) for x in args[i + 1].split(",")]
        del args[i : i + 2]
    n = int(args[0]) if args else 100
    subprocess.run(["cargo", "build", "--release", "--quiet"], check=True, cwd=ROOT)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = os.path.join(target, "release", "trustmap")
    rows = []
    with tempfile.TemporaryDirectory() as ws:
        partners = generate(ws, n)
        print(f"{partners} partners, {partners + 1} PDF documents")
        rows.extend(pdf(binary, ws))
        rows.extend(per_document(binary, ws, partners))
    for scale in scales:
        with tempfile.TemporaryDirectory() as ws:
            generate(ws, scale)
            if scale == min(scales):
                rows.extend(incremental(binary, ws, scale))
                secs, mb = run([binary, "build", ws, "-q", "--format", "pdf", "-o", os.path.join(ws, "out-pdf")])
                rows.append((f"PDF, {scale} partners + network, all cores", secs, mb))
            else:
                secs, mb = run(build_md_html(binary, ws, os.path.join(ws, "out")))
                rows.append((f"md+html, {scale} partners, full", secs, mb))
    scaled = [(w, s, m) for w, s, m in rows if w.startswith("md+html, ") and w.endswith(" partners, full")]
    print(f"{'what':<72} {'seconds':>8} {'peak MB':>8}")
    for what, secs, mb in rows:
        # A time per document is a few milliseconds: it gets a digit more.
        print(f"{what:<72} {secs:>8.{4 if secs < 0.01 else 3}f} {mb:>8.0f}")
    if len(scaled) > 1:
        (w0, s0, m0), (w1, s1, m1) = scaled[0], scaled[-1]
        print(f"{w1.split(',')[1].strip()} against {w0.split(',')[1].strip()}: {s1 / s0:.1f}x the time, {m1 / m0:.1f}x the peak memory")


def build_md_html(binary, ws, out, *extra):
    return [binary, "build", ws, "-q", "--format", "md,html", "-o", out, *extra]


def pdf(binary, ws):
    """PDF with one worker and two, and the `typst` CLI on the same sources, one and two at a time."""
    rows = []
    for jobs in ["1", "2"]:
        out = os.path.join(ws, f"out{jobs}")
        secs, mb = run([binary, "build", ws, "-q", "--format", "pdf,typ", "-o", out, "--jobs", jobs])
        rows.append((f"trustmap build --format pdf,typ --jobs {jobs}", secs, mb))
    if not shutil.which("typst"):
        print("typst is not on PATH: skipping the typst CLI comparison")
        return rows
    out = os.path.join(ws, "out2")
    sources = sorted(os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs if f.endswith(".typ"))
    compile_one = lambda src: run(["typst", "compile", "--root", os.path.dirname(src), "--ignore-system-fonts", src, src[:-4] + ".cli.pdf"])[1]
    for width in [1, 2]:
        start = time.perf_counter()
        with ThreadPoolExecutor(width) as pool:
            peak = max(pool.map(compile_one, sources))
        secs = time.perf_counter() - start
        rows.append((f"typst compile, once per document, {width} at a time ({secs / rows[1][1]:.2f}x trustmap's --jobs 2)", secs, peak))
    return rows


def per_document(binary, ws, partners):
    """Markdown + HTML per document, against `pandoc -s` once per Markdown report."""
    out = os.path.join(ws, "out-md")
    secs, mb = run(build_md_html(binary, ws, out))
    rows = [(f"trustmap md+html, per document ({partners} partners)", secs / partners, mb)]
    if not shutil.which("pandoc"):
        print("pandoc is not on PATH: skipping the pandoc comparison")
        return rows
    reports = sorted(os.path.join(out, "partners", f) for f in os.listdir(os.path.join(out, "partners")) if f.endswith(".md"))
    start = time.perf_counter()
    peak = max(run(["pandoc", "-s", "--metadata", "title=report", md, "-o", md[:-3] + ".pandoc.html"])[1] for md in reports)
    each = (time.perf_counter() - start) / len(reports)
    rows.append((f"pandoc -s, once per Markdown report, per document ({each / rows[0][1]:.0f}x trustmap's)", each, peak))
    return rows


def incremental(binary, ws, n):
    """Markdown and HTML at scale `n`: a full build into an empty folder, every report made again,
    nothing changed, and one answer file changed; the last is checked to be byte for byte a full
    build."""
    out = os.path.join(ws, "out-incremental")
    build = build_md_html(binary, ws, out)
    rows = []
    secs, mb = run(build)
    rows.append((f"md+html, {n} partners, full", secs, mb))
    force, mb = run(build + ["--force"])
    rows.append(("  again, every report made again (--force)", force, mb))
    # The median of a few: these are short.
    def median(cmd, k=5):
        runs = sorted(run(cmd) for _ in range(k))
        return runs[k // 2]
    secs, mb = median(build)
    rows.append((f"  again, nothing changed ({rows[0][1] / secs:.0f}x faster than full)", secs, mb))
    first = sorted(os.listdir(os.path.join(ws, "assessments")))[0]
    path = os.path.join(ws, "assessments", first)
    text = open(path).read()
    changed = re.sub(r"^(  [a-z_.]+: )([2-5])$", lambda m: m.group(1) + str(int(m.group(2)) - 1), text, count=1, flags=re.M)
    # The median of five builds, each after one answer file changed: changed, changed back, ...,
    # ending changed.
    runs = []
    for k in range(5):
        open(path, "w").write(changed if k % 2 == 0 else text)
        runs.append(run(build))
    secs, mb = sorted(runs)[2]
    rows.append((f"  again, one answer file changed ({rows[0][1] / secs:.1f}x faster than full)", secs, mb))
    fresh = os.path.join(ws, "out-full")
    run(build_md_html(binary, ws, fresh))
    same = subprocess.run(["diff", "-r", "-q", out, fresh], stdout=subprocess.DEVNULL).returncode == 0
    print(f"incremental result byte for byte a full build's: {same}")
    return rows


if __name__ == "__main__":
    main()
