#!/usr/bin/python3
"""PyTorch CPU implementation of shared/spec/loss.md for soft (.npy CHW logits) predictions,
in the avg_pool2d formulation a training loop would use:
  n(w,c)   = k*k * avg_pool2d(onehot)          q(w,c)[c] = avg_pool2d(onehot * P) / avg_pool2d(onehot)
  L_k      = sum n * -log q / valid pixels     merge map: c(p) - l(w_k(p), y_p), upsampled per scale.
Per image (float32 by default, as in training): read (np.load + Pillow label), softmax, CE, adaptive loss, merge map, argmax confusion.

usage: baseline_torch.py PRED_DIR LABEL_DIR [--classes C] [--ignore I] [--scales 2,4,8] [--threads N] [--json OUT]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

DELTA = 1e-12


def evaluate(pred_file, label_file, C, ignore, scales, dtype):
    logits = torch.from_numpy(np.load(pred_file))  # C x H x W float32
    with Image.open(label_file) as image:
        label = torch.from_numpy(np.asarray(image).astype(np.int64))
    _, H, W = logits.shape
    valid = (label != ignore) & (label < C)
    y = torch.where(valid, label, torch.zeros_like(label))
    n_valid = int(valid.sum())
    prob = torch.softmax(logits.to(dtype), dim=0)
    truth = prob.gather(0, y[None]).squeeze(0)
    cost = -torch.log(truth.clamp_min(DELTA)) * valid
    onehot = F.one_hot(y, C).permute(2, 0, 1).to(dtype) * valid  # C x H x W, zero on void
    mass = onehot * truth  # only the true-class channel of q enters the group cost
    merge = torch.zeros(H, W, dtype=dtype)
    per_scale = {}
    for k in scales:
        pad = (0, (-W) % k, 0, (-H) % k)
        n = F.avg_pool2d(F.pad(onehot, pad)[None], k, k)[0] * (k * k)
        s = F.avg_pool2d(F.pad(mass, pad)[None], k, k)[0] * (k * k)
        group_cost = -torch.log((s / n.clamp_min(1e-30)).clamp_min(DELTA)) * (n > 0)
        per_scale[str(k)] = float((n * group_cost).sum() / n_valid)
        up = group_cost.repeat_interleave(k, 1).repeat_interleave(k, 2)[:, :H, :W]
        merge += (cost - up.gather(0, y[None]).squeeze(0)) * valid
    merge /= len(scales)
    predicted = logits.argmax(0)
    confusion = torch.bincount((y * C + predicted)[valid], minlength=C * C)
    return {
        "ce": float(cost.sum() / n_valid),
        "adaptive": sum(per_scale.values()) / len(scales),
        "perScale": per_scale,
        "mergeEffect": float(merge.sum() / n_valid),
        "confusion": confusion,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pred")
    parser.add_argument("labels")
    parser.add_argument("--classes", type=int, default=21)
    parser.add_argument("--ignore", type=int, default=255)
    parser.add_argument("--scales", default="2,4,8")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32",
                        help="float32 is what a training loop uses (and the faster); float64 for checking")
    parser.add_argument("--json")
    args = parser.parse_args()
    dtype = getattr(torch, args.dtype)
    torch.set_num_threads(args.threads)
    scales = [int(s) for s in args.scales.split(",")]
    names = sorted(f[:-4] for f in os.listdir(args.pred) if f.endswith(".npy"))
    started = time.perf_counter()
    images = []
    with torch.no_grad():
        for name in names:
            record = evaluate(os.path.join(args.pred, name + ".npy"), os.path.join(args.labels, name + ".png"),
                              args.classes, args.ignore, scales, dtype)
            record.pop("confusion")
            images.append({"name": name, **record})
    seconds = time.perf_counter() - started
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"images": images}, f)
    print(json.dumps({"images": len(images), "seconds": seconds, "threads": args.threads, "dtype": args.dtype,
                      "torch": torch.__version__, "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
