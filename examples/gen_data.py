#!/usr/bin/env python3
"""Generates a flights-like table for the quickstart, the tests and the benchmarks.

Columns: id, month, day, dow, hour, minute, distance (numeric, with missing values),
origin, dest (categorical, a few hundred levels), delayed (binary target, or a continuous
delay_minutes with --task regression). Knobs create drift scenarios for `mlo drift` tests.
Deterministic for a given --seed.
"""
import argparse
import sys

import numpy as np
import pandas as pd


def airports(n):
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    rng = np.random.default_rng(7)
    codes = set()
    while len(codes) < n:
        codes.add("".join(rng.choice(letters, 3)))
    return np.array(sorted(codes))


def generate(args):
    rng = np.random.default_rng(args.seed)
    n = args.rows
    codes = airports(args.levels)
    # Zipf-like popularity so category frequencies are realistic.
    weights = 1.0 / np.arange(1, len(codes) + 1) ** 0.8
    weights /= weights.sum()
    df = pd.DataFrame({
        "id": np.arange(args.id_start, args.id_start + n),
        "month": rng.integers(1, 13, n),
        "day": rng.integers(1, 29, n),
        "dow": rng.integers(1, 8, n),
        "hour": rng.integers(0, 24, n),
        "minute": rng.integers(0, 60, n),
        "distance": np.round(rng.lognormal(6.5, 0.6, n) * args.distance_scale + args.distance_shift, 1),
        "origin": rng.choice(codes, n, p=weights),
        "dest": rng.choice(codes, n, p=weights),
    })
    origin_effect = (pd.factorize(df["origin"], sort=True)[0] % 7) / 7.0
    logit = (-1.2 + 0.08 * (df["hour"] - 12) + 0.0004 * (df["distance"] - 700)
             + 0.9 * origin_effect + 0.15 * (df["dow"] >= 6) + rng.normal(0, 0.3, n))
    prob = 1 / (1 + np.exp(-logit))
    target = (rng.random(n) < prob).astype(int)
    if args.flip_slice:
        col, value = args.flip_slice.split("=", 1)
        mask = df[col].astype(str) == value
        target = np.where(mask, 1 - target, target)
    if args.new_category:
        mask = rng.random(n) < args.new_category_share
        df.loc[mask, "origin"] = args.new_category
    missing = rng.random(n) < args.null_rate
    df["distance"] = df["distance"].astype(float)
    df.loc[missing, "distance"] = np.nan
    df.loc[rng.random(n) < args.null_rate, "origin"] = ""
    if args.task == "regression":
        df["delay_minutes"] = np.round(logit * 20 + rng.normal(0, 5, n), 2)
    else:
        df["delayed"] = target
    return df


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=10000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default="-", help="path or - for stdout")
    p.add_argument("--task", choices=["binary", "regression"], default="binary")
    p.add_argument("--levels", type=int, default=300, help="airport codes")
    p.add_argument("--id-start", type=int, default=0)
    p.add_argument("--null-rate", type=float, default=0.02)
    p.add_argument("--distance-shift", type=float, default=0.0, help="mean shift scenario")
    p.add_argument("--distance-scale", type=float, default=1.0, help="variance change scenario")
    p.add_argument("--new-category", default="", help="inject this unseen origin code")
    p.add_argument("--new-category-share", type=float, default=0.1)
    p.add_argument("--flip-slice", default="", help="COL=VALUE: flip labels on that slice")
    p.add_argument("--no-target", action="store_true", help="drop the target column")
    args = p.parse_args()
    df = generate(args)
    if args.no_target:
        df = df.drop(columns=[c for c in ("delayed", "delay_minutes") if c in df])
    out = sys.stdout if args.out == "-" else args.out
    df.to_csv(out, index=False, float_format="%.6g")


if __name__ == "__main__":
    main()
