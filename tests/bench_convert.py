#!/usr/bin/env python3
"""make bench-convert N=10000: converts N synthetic articles with
`gemserv -n` pinned to one core and prints articles/s, MB/s and peak RSS
(best of 3 runs, so a noisy neighbour does not decide the figure).

usage: bench_convert.py N [GEMSERV]
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    n = int(sys.argv[1])
    gemserv = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else
                              os.path.join(HERE, "..", "gemserv"))
    root = os.path.join(tempfile.gettempdir(), "gemserv-bench-v2-%d" % n)
    if not os.path.isdir(os.path.join(root, "articles")):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_capsule.py"),
                        str(n), root], check=True)
    src = sum(os.path.getsize(os.path.join(root, "articles", f))
              for f in os.listdir(os.path.join(root, "articles")))
    ini = os.path.join(root, "gemserv.ini")
    with open(ini, "w") as f:
        f.write("[capsule]\narticles = articles\nresources = resources.ini\n"
                "static = static\n")
    best, peak = None, 0
    for _ in range(3):
        t0 = time.perf_counter()
        p = subprocess.Popen(["taskset", "-c", "0", gemserv, "-n", "-c", ini],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        err = p.stderr.read()
        # wait4 gives this child's own peak RSS, not the generator's.
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            sys.stderr.write(err.decode())
            return 1
        best = wall if best is None else min(best, wall)
        peak = max(peak, usage.ru_maxrss)
    print("articles: %d, source: %.1f MB" % (n, src / 1e6))
    print("convert (best of 3, one core): %.3f s" % best)
    print("articles/s: %.0f" % (n / best))
    print("MB/s: %.1f" % (src / 1e6 / best))
    print("peak RSS: %.1f MB (%.2fx the source)" % (peak / 1024,
                                                   peak * 1024 / src))
    return 0


if __name__ == "__main__":
    sys.exit(main())
