#!/usr/bin/env python3
"""Bring a model trained with pandas + XGBoost to mlo.

    python3 export_preprocess.py TRAIN.csv TARGET MODEL.json PREPROCESS.yaml [COLUMN ...]

Trains an XGBoost model on TRAIN.csv with pandas "category" columns (XGBoost's native
categorical support), saves it as JSON, and writes the preprocess spec mlo needs to encode raw
rows the same way: for each feature in the model's order, numeric or categorical, and for a
categorical feature its categories in code order (pandas' `cat.categories`; code = index).
Then:

    mlo register NAME --model MODEL.json --preprocess PREPROCESS.yaml

Only `preprocess_spec` matters for your own training code; the rest is a runnable example.
"""
import sys

import pandas as pd
import xgboost as xgb
import yaml


def preprocess_spec(df, features):
    """The mlo preprocess spec (docs/preprocess-spec.md) for `features` of DataFrame `df`."""
    out = []
    for name in features:
        col = df[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            # The code XGBoost saw for a value is its position in cat.categories.
            out.append({"name": name, "type": "categorical",
                        "categories": [str(c) for c in col.cat.categories]})
        else:
            out.append({"name": name, "type": "numeric"})
    return {"features": out}


def main(argv):
    data, target, model_path, spec_path = argv[1:5]
    df = pd.read_csv(data)
    categorical = argv[5:] or [c for c in df.columns if df[c].dtype == object]
    for c in categorical:
        df[c] = df[c].astype("category")
    features = [c for c in df.columns if c not in (target, "id")]
    dtrain = xgb.DMatrix(df[features], label=df[target], enable_categorical=True)
    booster = xgb.train({"objective": "binary:logistic", "tree_method": "hist", "max_depth": 4,
                         "seed": 1}, dtrain, num_boost_round=20)
    booster.save_model(model_path)  # keeps feature_names and feature_types ("c" = categorical)
    with open(spec_path, "w") as f:
        yaml.safe_dump(preprocess_spec(df, features), f, sort_keys=False)


if __name__ == "__main__":
    main(sys.argv)
