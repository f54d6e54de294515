"""What pandas (and numpy) make of a muxing request: the reference the muxing tests compare against.

Reads a msgpack list of requests from the file named by argv[1], each {"op": ..., tables as {name: column},
options}, where a column is {"dtype": "float64"|"int64"|..., "data": bytes} (numbers, bit for bit) or
{"values": [...]} (plain values). Writes a msgpack list of answers (maps of result columns in the same form)
to stdout: one process for many requests, as importing pandas takes most of a call.
"""
import sys

import msgpack
import numpy as np
import pandas as pd


def decode(column):
    if "data" in column:
        return np.frombuffer(column["data"], dtype=np.dtype(column["dtype"]).newbyteorder("<")).copy()
    values = np.empty(len(column["values"]), dtype=object)
    for i, value in enumerate(column["values"]):  # element by element: list cells stay lists
        values[i] = value
    return values


def frame(table):
    return pd.DataFrame({name: decode(column) for name, column in table.items()})


def encode(series):
    values = series.to_numpy() if hasattr(series, "to_numpy") else np.asarray(series)
    if values.dtype.kind in "fiub" and values.dtype.kind != "b":
        return {"dtype": str(values.dtype), "data": values.astype(values.dtype.newbyteorder("<")).tobytes()}
    return {"values": [None if (isinstance(v, float) and v != v) else v for v in values.tolist()]}


def has_value(series):
    return series.map(lambda v: v is not None and not (isinstance(v, float) and v != v))


def align(request):
    left = frame(request["left"])
    right = frame(request["right"])
    on = "time"
    order = np.argsort(left[on].to_numpy(), kind="stable")
    left_sorted = left[[on]].iloc[order].reset_index(drop=True)
    out = {}
    for field, method in request["methods"].items():
        column = right[field]
        kept = right.loc[has_value(column).to_numpy(), [on, field]]
        kept = kept.iloc[np.argsort(kept[on].to_numpy(), kind="stable")].reset_index(drop=True)
        if method == "linear":
            result = np.interp(
                left_sorted[on].to_numpy(), kept[on].to_numpy(), kept[field].to_numpy(dtype=float),
                left=np.nan, right=np.nan,
            ) if len(kept) else np.full(len(left_sorted), np.nan)
            merged = pd.Series(result)
        else:
            direction = {"previous": "backward", "next": "forward", "nearest": "nearest"}[method]
            merged = pd.merge_asof(
                left_sorted, kept, on=on, direction=direction,
                tolerance=request.get("tolerance"), allow_exact_matches=request.get("exact", True),
            )[field]
        restored = pd.Series(merged.to_numpy(), index=order).sort_index()
        out[field] = encode(restored)
    return out


def concat(request):
    frames = []
    for run, table in request["tables"]:
        df = frame(table)
        df.insert(0, "run", run)
        frames.append(df)
    merged = pd.concat(frames, ignore_index=True)
    return {name: encode(merged[name]) for name in merged.columns}


def codes_of(values, edges, closed_last):
    """pd.cut's bin numbers of [e_k, e_k+1); the last edge counts in the last bin when closed_last."""
    edges = np.asarray(edges, dtype=float)
    codes = pd.cut(values, edges, right=False, labels=False)
    if closed_last:
        codes = np.where(values.to_numpy() == edges[-1], len(edges) - 2, codes)
    return pd.Categorical(codes, categories=range(len(edges) - 1))


def binned(request):
    """groupby of the axes' pd.cut codes (observed=False: every bin, in order), one aggregate per field."""
    df = frame(request["table"])
    keys = [codes_of(df[axis["by"]], axis["edges"], axis["closed_last"]) for axis in request["axes"]]
    groups = df.groupby(keys if len(keys) > 1 else keys[0], observed=False)
    out = {}
    for field, agg in request["aggs"].items():
        result = getattr(groups[field], agg)()
        if agg == "sum" and result.dtype.kind in "iu":
            result = result.astype("int64")  # databroker widens integer sums to int64 (no overflow); pandas keeps int32
        out[field] = encode(result)
    return out


def grids(request):
    """numpy's edges for a regular grid (arange * step) and for N equal bins (linspace)."""
    return {
        "every": encode(np.arange(request["first"], request["last"] + 2) * float(request["every"])),
        "bins": encode(np.linspace(request["low"], request["high"], request["bins"] + 1)),
    }


def segments(request):
    """Sizes of the runs of equal values: s != s.shift(), except that NaN follows NaN (as databroker)."""
    s = frame(request["table"])[request["by"]]
    new = s.ne(s.shift()) & ~(s.isna() & s.shift().isna())
    if len(new):
        new.iloc[0] = True
    sizes = new.cumsum().value_counts(sort=False).sort_index()
    return {"sizes": encode(sizes.astype("int64"))}


def explode(request):
    """df.explode(fields, ignore_index=True) after dropping rows whose arrays are empty (databroker's rule)."""
    df = frame(request["table"])
    fields = request["fields"]
    df = df[df[fields[0]].map(len) > 0]
    out = df.explode(fields, ignore_index=True)
    return {name: {"values": out[name].tolist()} for name in out.columns}


def implode(request):
    """groupby(by, sort=False): the fields as lists, the other columns' first value."""
    df = frame(request["table"])
    groups = df.groupby(request["by"], sort=False)
    out = {}
    for name in df.columns:
        if name in request["fields"]:
            out[name] = {"values": [list(values) for values in groups[name].agg(list)]}
        elif name != request["by"]:
            out[name] = {"values": groups[name].first().tolist()}
    return out


def stacked(request):
    """np.stack of a field's cells: its bytes, dtype and shape."""
    values = frame(request["table"])[request["field"]].to_list()
    array = np.stack([np.asarray(v, dtype=request["dtype"]) for v in values])
    return {"array": encode(array.reshape(-1)), "shape": {"values": list(array.shape)}}


OPS = {"segments": segments, "explode": explode, "implode": implode, "stacked": stacked, "align": align, "concat": concat, "binned": binned, "grids": grids}

with open(sys.argv[1], "rb") as f:
    requests = msgpack.unpackb(f.read(), raw=False)
answers = [OPS[request["op"]](request) for request in requests]
sys.stdout.buffer.write(msgpack.packb(answers, use_bin_type=True))
