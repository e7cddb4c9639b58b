#!/usr/bin/env python3
"""Validate a CSV of canonical TLC trips against a GX 1.x suite with
vectorized pandas: the work Pandera and Great Expectations delegate to pandas
underneath, without their bookkeeping. The peer for Opus's quality engine in
the benchmarks module (see BenchmarkValidate).

usage: validate_pandas.py SUITE.json DATA.csv
prints one JSON object: rows, load_seconds, validate_seconds, peak_rss_mb,
input_mb (pandas' own memory of the loaded frame), and per-expectation
unexpected counts so the Go side can check both engines agree.
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd


def col_map(df, c, ok):
    """Unexpected count of a column-map expectation: nulls never count."""
    s = df[c]
    nonnull = s.notna()
    return int((nonnull & ~ok(s)).sum())


def run(exp, df):
    t, kw = exp["type"], exp
    c = kw.get("column")
    if t == "expect_column_values_to_not_be_null":
        return int(df[c].isna().sum())
    if t == "expect_column_values_to_be_in_set":
        vs = kw["value_set"]
        return col_map(df, c, lambda s: s.isin(vs))
    if t == "expect_column_values_to_be_between":
        lo, hi = kw.get("min_value"), kw.get("max_value")
        def ok(s):
            r = pd.Series(True, index=s.index)
            if lo is not None:
                r &= s >= lo
            if hi is not None:
                r &= s <= hi
            return r
        return col_map(df, c, ok)
    if t == "expect_column_values_to_match_regex":
        return col_map(df, c, lambda s: s.astype(str).str.contains(kw["regex"], regex=True))
    if t == "expect_column_pair_values_A_to_be_greater_than_B":
        a, b = df[kw["column_A"]], df[kw["column_B"]]
        both = a.notna() & b.notna()
        good = (a >= b) if kw.get("or_equal") else (a > b)
        return int((both & ~good).sum())
    if t == "expect_column_mean_to_be_between":
        m = df[c].mean()
        return int(not (kw["min_value"] <= m <= kw["max_value"]))
    if t == "expect_column_median_to_be_between":
        m = df[c].median()
        return int(not (kw["min_value"] <= m <= kw["max_value"]))
    if t == "expect_table_row_count_to_be_between":
        return int(len(df) < kw.get("min_value", 0))
    raise SystemExit(f"unsupported expectation {t}")


def main():
    suite = json.load(open(sys.argv[1]))
    t0 = time.perf_counter()
    df = pd.read_csv(sys.argv[2], parse_dates=["pickup_datetime", "dropoff_datetime"],
                     dtype={"store_and_fwd_flag": "string", "request_source": "string"})
    t1 = time.perf_counter()
    counts = [run(e, df) for e in suite["expectations"]]
    t2 = time.perf_counter()
    print(json.dumps({
        "rows": len(df),
        "load_seconds": t1 - t0,
        "validate_seconds": t2 - t1,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "input_mb": df.memory_usage(deep=True).sum() / 2**20,
        "unexpected": counts,
    }))


if __name__ == "__main__":
    main()
