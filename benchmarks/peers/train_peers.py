#!/usr/bin/env python3
"""Train a gradient-boosted trip-duration model with XGBoost's hist method
or scikit-learn's HistGradientBoostingRegressor: the peers of Opus's package
ml in the benchmarks module (see BenchmarkTrainGBM in train_test.go).

usage: train_peers.py VARIANT TRAIN.csv TEST.csv

VARIANT is one of
  xgb-hist-depthwise              tree_method=hist, grow_policy=depthwise
  xgb-hist-lossguide              grow_policy=lossguide, max_leaves=255
  xgb-hist-depthwise-categorical  depthwise, the zones as pandas categories
                                  (enable_categorical=True, max_cat_to_onehot
                                  and max_cat_threshold left at their defaults)
  xgb-hist-lossguide-categorical  lossguide, the zones categorical
  sklearn-hgb                     HistGradientBoostingRegressor
  sklearn-hgb-categorical         the same with categorical zones (see below)

All: 200 rounds, learning rate 0.1, max depth 8, 2 threads (nthread=2 for
XGBoost; OMP_NUM_THREADS=2, set by the caller, for scikit-learn), squared
error, every other parameter at the library's default. The CSV files are
those BenchmarkTrainGBM writes: ten feature columns, then the target
duration_seconds; empty fields are missing (NaN), which both libraries
route with learned default directions.

Prints one JSON object:
  train_seconds    time.perf_counter around the training only: for XGBoost
                   the DMatrix construction plus xgb.train (what
                   XGBRegressor.fit does), for scikit-learn fit(); both bin
                   the features inside that time, as Opus's Train does
  test_rmse        RMSE on the test file
  peak_rss_mb      the process's VmHWM at the end of training, reset
                   (/proc/self/clear_refs) just before it; start_rss_mb is
                   VmRSS at the reset (interpreter, libraries, the loaded
                   train and test frames)
  predict_1row_us  median latency of 1,000 single-row predictions, each
                   call timed alone, over distinct test rows given as a
                   1x10 float64 numpy array: Booster.inplace_predict for
                   XGBoost, HistGradientBoostingRegressor.predict for
                   scikit-learn
  predict_batch_ms one prediction of the whole test set as a numpy array
                   (inplace_predict / predict)
  trees, leaves_per_tree, train_rows, test_rows, engine (versions and
  parameters)
or {"skip": REASON} when the variant cannot run.
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd

ROUNDS, RATE, DEPTH, LEAVES, THREADS = 200, 0.1, 8, 255, 2
TARGET = "duration_seconds"
ZONES = ["pu_location_id", "do_location_id"]
SINGLE_ROWS = 1000


def status_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak():
    """Reset the kernel's high-water mark of this process's RSS and return
    the current RSS in MB (the same method as the Go side's resetPeakRSS)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return status_mb("VmRSS:")


def rmse(y, p):
    d = np.asarray(p, dtype=np.float64) - y
    return float(np.sqrt(np.mean(d * d)))


def single_row_us(predict, x):
    """Median microseconds of one predict call on a 1-row array."""
    lat = np.empty(SINGLE_ROWS)
    rows = [np.ascontiguousarray(x[i:i + 1]) for i in range(SINGLE_ROWS)]
    for _ in range(20):  # warm-up
        predict(rows[0])
    for i, r in enumerate(rows):
        t = time.perf_counter_ns()
        predict(r)
        lat[i] = (time.perf_counter_ns() - t) / 1e3
    return float(np.median(lat))


def run_xgb(variant, train, test):
    import xgboost as xgb
    categorical = variant.endswith("-categorical")
    lossguide = "lossguide" in variant
    params = {"objective": "reg:squarederror", "tree_method": "hist", "eta": RATE,
              "max_depth": DEPTH, "nthread": THREADS, "seed": 0}
    if lossguide:
        params.update(grow_policy="lossguide", max_leaves=LEAVES)
    else:
        params.update(grow_policy="depthwise")
    features = [c for c in train.columns if c != TARGET]
    xtrain, ytrain = train[features], train[TARGET].to_numpy(np.float64)
    xtest, ytest = test[features], test[TARGET].to_numpy(np.float64)
    if categorical:
        # Categories 0..265, so that a zone's category code is its id and a
        # plain numeric row (inplace_predict below) means the same thing.
        cats = pd.CategoricalDtype(categories=list(range(266)))
        xtrain = xtrain.astype({z: cats for z in ZONES})
        xtest_df = xtest.astype({z: cats for z in ZONES})
    xtest_np = xtest.to_numpy(np.float64)

    start = reset_peak()
    t0 = time.perf_counter()
    dtrain = xgb.DMatrix(xtrain, label=ytrain, enable_categorical=categorical, nthread=THREADS)
    booster = xgb.train(params, dtrain, num_boost_round=ROUNDS)
    train_s = time.perf_counter() - t0
    peak = status_mb("VmHWM:")
    del dtrain

    t0 = time.perf_counter()
    pred = booster.inplace_predict(xtest_np)
    batch_ms = (time.perf_counter() - t0) * 1e3
    if categorical:
        # The numeric rows must predict what the categorical frame does.
        ref = booster.predict(xgb.DMatrix(xtest_df, enable_categorical=True, nthread=THREADS))
        if not np.allclose(ref, pred, rtol=1e-5, atol=1e-3):
            raise SystemExit("inplace_predict on numeric rows disagrees with the categorical DMatrix")
    one = single_row_us(booster.inplace_predict, xtest_np)

    dump = booster.get_dump()
    ntrees = len(dump)
    leaves = sum(t.count("leaf=") for t in dump)
    return {
        "engine": f"xgboost {xgb.__version__} " + json.dumps(params | {"enable_categorical": categorical}),
        "train_seconds": train_s, "test_rmse": rmse(ytest, pred), "peak_rss_mb": peak,
        "start_rss_mb": start, "predict_1row_us": one, "predict_batch_ms": batch_ms,
        "trees": ntrees, "leaves_per_tree": leaves / ntrees,
    }


def run_sklearn(variant, train, test):
    import sklearn
    from sklearn.ensemble import HistGradientBoostingRegressor
    categorical = variant.endswith("-categorical")
    features = [c for c in train.columns if c != TARGET]
    xtrain = train[features].to_numpy(np.float64)
    xtest = test[features].to_numpy(np.float64)
    ytrain, ytest = train[TARGET].to_numpy(np.float64), test[TARGET].to_numpy(np.float64)
    # max_leaf_nodes=None: depth 8 alone bounds a tree (256 leaves at
    # most), as XGBoost's depthwise; early stopping off, as for the others.
    kw = dict(loss="squared_error", learning_rate=RATE, max_iter=ROUNDS, max_depth=DEPTH,
              max_leaf_nodes=None, early_stopping=False, random_state=0)
    note = ""
    if categorical:
        # scikit-learn 1.2 takes at most max_bins (255) categories per
        # feature, coded 0..254, and the zones have up to 265 ids. The 254
        # most frequent zones of the training set keep their own code; the
        # others share code 254.
        idx = [features.index(z) for z in ZONES]
        lumped = []
        for j in idx:
            ids, counts = np.unique(xtrain[:, j], return_counts=True)
            top = ids[np.argsort(-counts, kind="stable")][:254]
            code = {z: c for c, z in enumerate(top)}
            lumped.append(int(len(ids) - len(top)))
            for x in (xtrain, xtest):
                x[:, j] = [code.get(z, 254) for z in x[:, j]]
        kw["categorical_features"] = idx
        note = f"; zones recoded: 254 most frequent + one shared code for the other {lumped} (pu, do)"
    model = HistGradientBoostingRegressor(**kw)

    start = reset_peak()
    t0 = time.perf_counter()
    model.fit(xtrain, ytrain)
    train_s = time.perf_counter() - t0
    peak = status_mb("VmHWM:")

    t0 = time.perf_counter()
    pred = model.predict(xtest)
    batch_ms = (time.perf_counter() - t0) * 1e3
    one = single_row_us(model.predict, xtest)

    preds = model._predictors
    leaves = sum(int(p[0].get_n_leaf_nodes()) for p in preds)
    shown = {k: v for k, v in kw.items() if k != "categorical_features"}
    return {
        "engine": f"scikit-learn {sklearn.__version__} HistGradientBoostingRegressor({shown}, "
                  f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}){note}",
        "train_seconds": train_s, "test_rmse": rmse(ytest, pred), "peak_rss_mb": peak,
        "start_rss_mb": start, "predict_1row_us": one, "predict_batch_ms": batch_ms,
        "trees": len(preds), "leaves_per_tree": leaves / len(preds),
    }


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    variant, train_path, test_path = sys.argv[1:]
    train, test = pd.read_csv(train_path), pd.read_csv(test_path)
    if variant.startswith("xgb-"):
        if variant.removeprefix("xgb-hist-").removesuffix("-categorical") not in ("depthwise", "lossguide"):
            raise SystemExit(f"unknown variant {variant}")
        out = run_xgb(variant, train, test)
    elif variant in ("sklearn-hgb", "sklearn-hgb-categorical"):
        out = run_sklearn(variant, train, test)
    else:
        raise SystemExit(f"unknown variant {variant}")
    out.update(variant=variant, train_rows=len(train), test_rows=len(test))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
