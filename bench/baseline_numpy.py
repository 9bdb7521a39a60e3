#!/usr/bin/python3
"""numpy + Pillow implementation of shared/spec/loss.md for hard (palette PNG) predictions.

The baseline the SegLens engine is benchmarked against: same inputs, same spec, decode included.
Vectorised the way one would write it in numpy: each scale is two np.bincount calls over
(window, class) keys (classes renumbered to those present, so the arrays stay small), and the
confusion matrix is one np.bincount over label*C + prediction.
Boundary IoU: a pixel lies in the band of its own id's mask exactly when the (2d+1)x(2d+1) square
around it leaves the image or holds another id, so one pass per map gives every class's band: the
square's rows and column hold no change of id, counted with cumulative sums of the changes (O(H*W)
whatever d and C); then three np.bincount calls give the per-class intersections and unions.
Window keys are cached per image size, so only per-image work is timed.

usage: baseline_numpy.py PRED_DIR LABEL_DIR [--classes C] [--ignore I] [--scales 2,4,8]
                         [--hard-eps E] [--boundary-ratio R] [--workers N] [--json OUT.json]
Prints one line of JSON timing to stdout; --json writes per-image and dataset figures.
"""
import argparse
import json
import math
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


def boundary_distance(height, width, ratio):
    """d = max(1, round(ratio * sqrt(H^2 + W^2))) with Python's round (halves to even), as the paper's
    reference code (boundary-iou-api) computes it: 12 on a 500x375 image, where the product is 12.5."""
    return max(1, int(round(ratio * math.sqrt(height * height + width * width))))


def window_has_change(changes, d):
    """Per pixel of a row, whether the 2d changes between the 2d+1 pixels centred on it hold any;
    True where that window leaves the image. changes[:, i] compares pixels i and i+1 of each row."""
    n = changes.shape[1] + 1
    out = np.ones((changes.shape[0], n), dtype=bool)
    if n > 2 * d:
        counts = np.zeros((changes.shape[0], n), dtype=np.int32)
        np.cumsum(changes, axis=1, out=counts[:, 1:])
        out[:, d:n - d] = counts[:, 2 * d:] != counts[:, :n - 2 * d]
    return out


def band_of_ids(ids, d):
    """True where a pixel lies in the band of its own id's mask: the (2d+1)x(2d+1) square around it
    leaves the image or holds another id (the mask minus its erosion, outside the image not in it)."""
    rows = window_has_change(ids[:, 1:] != ids[:, :-1], d)
    # The square is uniform when each of its rows is and its centre column is: between two rows of
    # the square there is a change if either row is not uniform or their centre ids differ.
    changes = rows[1:] | rows[:-1] | (ids[1:] != ids[:-1])
    return window_has_change(changes.T, d).T


def boundary_counts(label, pred, C, ignore, ratio):
    """Per-class |G & P| and |G | P| of the label's and the prediction's bands over valid pixels
    (label not ignore and < C); predicted ids outside 0..C-1 are in no class's band. 2-D id maps.
    The label's raw ids serve for its bands: a void pixel is not in any class's mask either way."""
    height, width = label.shape
    d = boundary_distance(height, width, ratio)
    valid = (label != ignore) & (label < C)
    y = label[valid]
    p = pred[valid]
    in_label = band_of_ids(label, d)[valid]
    in_pred = band_of_ids(pred, d)[valid] & (p < C)
    intersection = np.bincount(y[in_label & in_pred & (p == y)], minlength=C)
    union = np.bincount(y[in_label], minlength=C) + np.bincount(p[in_pred], minlength=C) - intersection
    return intersection, union


def boundary_summary(intersection, union):
    iou = [float(i / u) if u > 0 else None for i, u in zip(intersection.astype(np.float64), union)]
    defined = [v for v in iou if v is not None]
    return iou, (sum(defined) / len(defined) if defined else None)


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
    shape = (height, width)
    b_inter, b_union = boundary_counts(label.reshape(shape), pred.reshape(shape), C, ignore,
                                       ARGS.boundary_ratio)
    b_iou, b_miou = boundary_summary(b_inter, b_union)
    return {
        "name": name,
        "ce": float(ce) if n_valid else None,
        "adaptive": adaptive,
        "perScale": per_scale,
        "mergeEffect": float(merge.sum() / n_valid) if n_valid else None,
        "miou": miou,
        "pixelAccuracy": acc,
        "perClassIoU": iou,
        "boundaryMiou": b_miou,
        "perClassBoundaryIoU": b_iou,
        "confusion": confusion,
        "unknown": unknown,
        "boundaryIntersection": b_inter,
        "boundaryUnion": b_union,
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
    parser.add_argument("--boundary-ratio", type=float, default=0.02)
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
    b_inter = np.zeros(C, dtype=np.int64)
    b_union = np.zeros(C, dtype=np.int64)
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
        b_inter += record.pop("boundaryIntersection")
        b_union += record.pop("boundaryUnion")
        images.append(record)
    if pool:
        pool.close()
        pool.join()
    iou, miou, acc = iou_summary(confusion, unknown)
    b_iou, b_miou = boundary_summary(b_inter, b_union)
    seconds = time.perf_counter() - started
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"images": images, "dataset": {"miou": miou, "pixelAccuracy": acc, "perClassIoU": iou,
                       "boundaryMiou": b_miou, "perClassBoundaryIoU": b_iou,
                       "confusion": confusion.tolist(), "unknownPredictions": unknown.tolist()}}, f)
    print(json.dumps({"images": len(images), "seconds": seconds, "firstResultSeconds": first,
                      "workers": args.workers, "numpy": np.__version__, "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
