"""The Python reference's reading and encoding of generated data, shared by the CLI tests and
the benchmarks: pandas read_csv with mlo's missing-value tokens, then a preprocess spec applied
the way mlo's encoder does (category index, unseen/missing -> NaN, numeric impute)."""
import numpy as np
import pandas as pd

NA = ["", "NA", "NaN", "null", "nan"]
NUMERIC = ["month", "day", "dow", "hour", "minute", "distance"]


def read(path):
    return pd.read_csv(path, keep_default_na=False, na_values=NA, dtype={"origin": str, "dest": str})


def encode(df, spec):
    cols = []
    for f in spec["features"]:
        if f["type"] == "categorical":
            codes = {c: float(i) for i, c in enumerate(f["categories"])}
            cols.append(df[f["name"]].map(codes).astype("float64").to_numpy())
        else:
            v = df[f["name"]].astype("float64").to_numpy()
            if "impute" in f:
                v = np.where(np.isnan(v), f["impute"], v)
            cols.append(v)
    return np.column_stack(cols).astype(np.float32)


def flights_spec(df):
    """The preprocess spec the CLI tests train their Python models with: three numeric features
    (hour imputed) and two categoricals indexed in sorted order of the training data's values."""
    def levels(col):
        return sorted(df[col].dropna().unique().tolist())
    return {"features": [
        {"name": "distance", "type": "numeric"},
        {"name": "hour", "type": "numeric", "impute": 12.0},
        {"name": "dow", "type": "numeric"},
        {"name": "origin", "type": "categorical", "categories": levels("origin")},
        {"name": "dest", "type": "categorical", "categories": levels("dest")},
    ]}
