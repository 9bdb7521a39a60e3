#!/usr/bin/python3
"""numpy + Pillow implementation of shared/spec/loss.md for hard (palette PNG) predictions.

The baseline the SegLens engine is benchmarked against: same inputs, same spec, decode included.
Vectorised the way one would write it in numpy: each scale is two np.bincount calls over
(window, class) keys (classes renumbered to those present, so the arrays stay small), and the
confusion matrix is one np.bincount over label*C + prediction.
Window keys are cached per image size, so only per-image work is timed.

usage: baseline_numpy.py PRED_DIR LABEL_DIR [--classes C] [--ignore I] [--scales 2,4,8]
                         [--hard-eps E] [--workers N] [--json OUT.json]
Prints one line of JSON timing to stdout; --json writes per-image and dataset figures.
"""
import argparse
import json
import os
import sys
import time
from multiprocessing import Pool

import numpy as np
from PIL import Image

DELTA = 1e-12
ARGS = None
_WINDOW_CACHE = {}


def window_index(height, width, k):
    """Window number of every pixel (row-major windows, clipped at the right/bottom edges)."""
    key = (height, width, k)
    if key not in _WINDOW_CACHE:
        wk = -(-width // k)
        rows = (np.arange(height) // k) * wk
        cols = np.arange(width) // k
        _WINDOW_CACHE[key] = ((rows[:, None] + cols[None, :]).ravel().astype(np.int64), wk * -(-height // k))
    return _WINDOW_CACHE[key]


def read_ids(path):
    """Palette indices (mode P) or gray levels, as the class ids."""
    with Image.open(path) as image:
        if image.mode not in ("P", "L", "I;16", "I"):
            raise ValueError(f"{path}: mode {image.mode} is not a class-index PNG")
        return np.asarray(image).astype(np.int64, copy=False).ravel(), image.size


def evaluate(name):
    C, ignore, scales, eps = ARGS.classes, ARGS.ignore, ARGS.scales, ARGS.hard_eps
    label, size = read_ids(os.path.join(ARGS.labels, name + ".png"))
    pred, psize = read_ids(os.path.join(ARGS.pred, name + ".png"))
    if size != psize:
        raise ValueError(f"{name}: size mismatch")
    width, height = size
    valid = (label != ignore) & (label < C)
    y = label[valid]
    p = pred[valid]
    n_valid = y.size
    truth = np.where(p == y, 1.0 - eps, np.where(p < C, eps / (C - 1), 1.0 / C))
    cost = -np.log(np.maximum(truth, DELTA))
    ce = cost.sum() / n_valid if n_valid else float("nan")

    # Keys over the classes present only (a handful of the C): keeps the bincount arrays small.
    present = np.flatnonzero(np.bincount(y, minlength=C))
    compact = np.zeros(C, dtype=np.int64)
    compact[present] = np.arange(present.size)
    y_compact = compact[y]
    merge = np.zeros(n_valid)
    per_scale = {}
    for k in scales:
        windows, n_windows = window_index(height, width, k)
        keys = windows[valid] * present.size + y_compact
        n = np.bincount(keys)
        s = np.bincount(keys, weights=truth)
        used = n > 0
        group_cost = np.zeros(n.size)
        group_cost[used] = -np.log(np.maximum(s[used] / n[used], DELTA))
        per_scale[str(k)] = float((n * group_cost).sum() / n_valid) if n_valid else None
        merge += cost - group_cost[keys]
    merge /= len(scales)
    weights = ARGS.weights or [1.0 / len(scales)] * len(scales)
    adaptive = sum(w * per_scale[str(k)] for w, k in zip(weights, scales)) if n_valid else None

    known = p < C
    confusion = np.bincount(y[known] * C + p[known], minlength=C * C)
    unknown = np.bincount(y[~known], minlength=C)
    iou, miou, acc = iou_summary(confusion.reshape(C, C), unknown)
    return {
        "name": name,
        "ce": float(ce) if n_valid else None,
        "adaptive": adaptive,
        "perScale": per_scale,
        "mergeEffect": float(merge.sum() / n_valid) if n_valid else None,
        "miou": miou,
        "pixelAccuracy": acc,
        "perClassIoU": iou,
        "confusion": confusion,
        "unknown": unknown,
    }


def iou_summary(confusion, unknown):
    tp = np.diag(confusion).astype(np.float64)
    labelled = confusion.sum(axis=1) + unknown
    union = labelled + confusion.sum(axis=0) - tp
    iou = [float(t / u) if u > 0 else None for t, u in zip(tp, union)]
    defined = [v for v in iou if v is not None]
    total = labelled.sum()
    return iou, (sum(defined) / len(defined) if defined else None), (float(tp.sum() / total) if total else None)


def init(args):
    global ARGS
    ARGS = args


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pred")
    parser.add_argument("labels")
    parser.add_argument("--classes", type=int, default=21)
    parser.add_argument("--ignore", type=int, default=255)
    parser.add_argument("--scales", default="2,4,8")
    parser.add_argument("--weights", default="")
    parser.add_argument("--hard-eps", type=float, default=1e-3)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--json")
    args = parser.parse_args()
    args.scales = [int(s) for s in args.scales.split(",")]
    args.weights = [float(w) for w in args.weights.split(",")] if args.weights else None

    started = time.perf_counter()
    names = sorted(f[:-4] for f in os.listdir(args.pred) if f.endswith(".png"))
    names = [n for n in names if os.path.exists(os.path.join(args.labels, n + ".png"))]
    C = args.classes
    confusion = np.zeros((C, C), dtype=np.int64)
    unknown = np.zeros(C, dtype=np.int64)
    images = []
    first = None
    if args.workers > 1:
        pool = Pool(args.workers, initializer=init, initargs=(args,))
        results = pool.imap_unordered(evaluate, names, chunksize=8)
    else:
        init(args)
        pool = None
        results = map(evaluate, names)
    for record in results:
        if first is None:
            first = time.perf_counter() - started
        confusion += record.pop("confusion").reshape(C, C)
        unknown += record.pop("unknown")
        images.append(record)
    if pool:
        pool.close()
        pool.join()
    iou, miou, acc = iou_summary(confusion, unknown)
    seconds = time.perf_counter() - started
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"images": images, "dataset": {"miou": miou, "pixelAccuracy": acc, "perClassIoU": iou,
                       "confusion": confusion.tolist(), "unknownPredictions": unknown.tolist()}}, f)
    print(json.dumps({"images": len(images), "seconds": seconds, "firstResultSeconds": first,
                      "workers": args.workers, "numpy": np.__version__, "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
