#!/usr/bin/env python3
"""split_shards.py IN.csv N OUTDIR: writes OUTDIR/shard_K.csv (header + rows with index % N == K)."""
import os
import sys

src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
files = [open(os.path.join(out, f"shard_{k}.csv"), "w") for k in range(n)]
with open(src) as f:
    header = f.readline()
    for fh in files:
        fh.write(header)
    for i, line in enumerate(f):
        files[i % n].write(line)
for fh in files:
    fh.close()
