"""Regenerates xgboost-1.7.4-cat.json and xgboost-1.7.4-cat.expected.json.

Run from ml/testdata with Debian's interpreter, which sees python3-xgboost:
    /usr/bin/python3 make_xgboost_fixture.py
TestReadXGBoostJSONFixture imports the model and checks the predictions.
"""
import json

import numpy as np
import xgboost as xgb

rng = np.random.default_rng(42)
n = 300
a = rng.normal(size=n).astype(np.float32)
b = rng.uniform(0, 10, size=n).astype(np.float32)
zone = rng.integers(0, 6, size=n).astype(np.float64)
a[rng.random(n) < 0.1] = np.nan
b[rng.random(n) < 0.1] = np.nan
zone[rng.random(n) < 0.1] = np.nan
X = np.column_stack([a, b, zone]).astype(np.float64)
effect = np.array([0.0, 1.0, -0.5, 2.0, 0.3, -1.0])
z = np.where(np.isnan(zone), 0.5, effect[np.nan_to_num(zone).astype(int)])
mu = np.exp(0.4 * np.nan_to_num(a) + 0.05 * np.nan_to_num(b, nan=5.0) + 0.5 * z)
y = rng.poisson(mu).astype(np.float64)

names, types = ["a", "b", "zone"], ["q", "q", "c"]
d = xgb.DMatrix(X, label=y, feature_names=names, feature_types=types, enable_categorical=True)
params = {"objective": "count:poisson", "tree_method": "hist", "max_depth": 3, "eta": 0.3,
          "seed": 1, "max_cat_to_onehot": 1}
bst = xgb.train(params, d, 6)
bst.save_model("xgboost-1.7.4-cat.json")

rows = np.vstack([X[:40], [[np.nan, np.nan, np.nan], [0.0, 0.0, 0.0], [1.0, 2.0, 9.0],
                           [-1.0, np.nan, 4.0], [np.nan, 7.5, 1.0]]])
pred = bst.predict(xgb.DMatrix(rows, feature_names=names, feature_types=types,
                               enable_categorical=True))
with open("xgboost-1.7.4-cat.expected.json", "w") as f:
    f.write('{"xgboost": %s, "objective": "poisson",\n"rows": [\n' % json.dumps(xgb.__version__))
    f.write(",\n".join(json.dumps([None if np.isnan(v) else float(v) for v in r]) for r in rows))
    f.write('],\n"pred": [\n')
    f.write(",\n".join(repr(float(v)) for v in pred))
    f.write("]}\n")
