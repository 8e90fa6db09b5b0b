#!/usr/bin/python3
"""Reference drift statistics with scipy/numpy/pandas, for tests/cli/drift.sh and the benchmark.

    drift_reference.py REF.csv CUR.csv name:numeric name:categorical ... > stats.json

Per numeric feature: ks_2samp (statistic, p-value), wasserstein_distance (raw and divided by
the reference population std), PSI and Jensen-Shannon on 10 bins at np.quantile(ref, .1..0.9)
(value -> bin = searchsorted(edges, x, 'left'), shares clipped at 1e-4 for PSI).
Per categorical feature, on the union of categories: PSI, jensenshannon, chi2_contingency
p-value, L-infinity, unseen share. Missing values: "", NA, NaN, null (any case).
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

EPS = 1e-4
NA = ["", "NA", "NaN", "null", "na", "nan", "Na", "NULL", "Null", "NAN"]


def psi(p, q):
    p = np.asarray(p, float) / np.sum(p)
    q = np.asarray(q, float) / np.sum(q)
    p, q = np.maximum(p, EPS), np.maximum(q, EPS)
    return float(np.sum((q - p) * np.log(q / p)))


def numeric(ref, cur):
    ref = np.sort(ref[~np.isnan(ref)])
    cur = np.sort(cur[~np.isnan(cur)])
    ks = stats.ks_2samp(ref, cur)
    w = stats.wasserstein_distance(ref, cur)
    sd = ref.std()
    scale = sd if sd > 0 else max(abs(ref.mean()), 1.0)
    edges = np.unique(np.quantile(ref, np.arange(1, 10) / 10))
    rb = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1)
    cb = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1)
    return {"ks": float(ks.statistic), "ks_pvalue": float(ks.pvalue), "wasserstein": float(w / scale),
            "wasserstein_raw": float(w), "psi": psi(rb, cb), "js": float(jensenshannon(rb, cb))}


def categorical(ref, cur):
    rc = ref.dropna().value_counts()
    cc = cur.dropna().value_counts()
    cats = sorted(set(rc.index) | set(cc.index))
    r = np.array([rc.get(c, 0) for c in cats], float)
    c = np.array([cc.get(k, 0) for k in cats], float)
    unseen = float(sum(cc.get(k, 0) for k in cats if k not in rc.index) / max(c.sum(), 1))
    out = {"psi": psi(r, c), "js": float(jensenshannon(r, c)),
           "linf": float(np.max(np.abs(r / r.sum() - c / c.sum()))), "unseen_share": unseen}
    if len(cats) > 1:
        out["chi2_pvalue"] = float(stats.chi2_contingency(np.vstack([r, c]))[1])
    return out


def main():
    ref_path, cur_path, specs = sys.argv[1], sys.argv[2], [s.split(":") for s in sys.argv[3:]]
    dtypes = {n: (str if t == "categorical" else float) for n, t in specs}
    cols = [n for n, _ in specs]
    read = lambda p: pd.read_csv(p, usecols=cols, dtype=dtypes, na_values=NA, keep_default_na=False)
    ref, cur = read(ref_path), read(cur_path)
    result = {}
    for name, kind in specs:
        if kind == "categorical":
            result[name] = categorical(ref[name], cur[name])
        else:
            result[name] = numeric(ref[name].to_numpy(float), cur[name].to_numpy(float))
    json.dump(result, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
