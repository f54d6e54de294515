# What the pipelines' processors must agree with, computed by numpy and scipy from the same input values:
# reads one JSON request on stdin ({"peakstats": [[x, y], ...]} / {"rolling": ...} / {"roi": ...}) and prints
# the answers as JSON (NaN and missing values as null).
import json
import sys

import numpy as np
from scipy.ndimage import center_of_mass


def number(value):
    value = float(value)
    return None if not np.isfinite(value) else value


def peakstats(x, y):
    # bluesky's PeakStats: extremes (first index), com mapped onto x, half-maximum crossings, cen and fwhm.
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) == 0:
        return {"n": 0}
    lo, hi = int(np.argmin(y)), int(np.argmax(y))
    mid = (np.max(y) + np.min(y)) / 2
    crossings = []
    for i in np.where(np.diff((y > mid).astype(int)))[0]:
        dx = x[i + 1] - x[i]
        dy = (y[i + 1] - mid) - (y[i] - mid)
        crossings.append(-(y[i] - mid) / (dy / dx) + x[i])
    total = np.sum(y)
    (com,) = np.interp(center_of_mass(y), np.arange(len(x)), x) if total != 0 else (np.nan,)
    return {
        "n": len(x),
        "min": number(y[lo]),
        "min_x": number(x[lo]),
        "max": number(y[hi]),
        "max_x": number(x[hi]),
        "com": number(com),
        "cen": number(np.mean(crossings)) if crossings else None,
        "fwhm": number(abs(crossings[-1] - crossings[0])) if len(crossings) >= 2 else None,
        "centroid": number(np.sum(x * y) / total) if total != 0 else None,
        "crossings": len(crossings),
    }


def rolling(values, window):
    values = np.asarray(values, dtype=float)
    return [number(np.mean(values[max(0, i - window + 1) : i + 1])) for i in range(len(values))]


def roi(images, regions):
    sums = {name: [] for name, _ in regions}
    for image in images:
        image = np.asarray(image, dtype=float)
        for name, (x0, y0, x1, y1) in regions:
            sums[name].append(number(image[..., y0:y1, x0:x1].sum()))
    return sums


request = json.load(sys.stdin)
if "peakstats" in request:
    answer = [peakstats(x, y) for x, y in request["peakstats"]]
elif "rolling" in request:
    answer = {field: rolling(values, request["window"]) for field, values in request["rolling"].items()}
else:
    answer = roi(request["roi"], [(r["name"], r["box"]) for r in request["regions"]])
json.dump(answer, sys.stdout)
