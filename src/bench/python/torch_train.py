#!/usr/bin/env python3
"""The PyTorch side of `softlabels bench train`: trains the same network on the same examples as DL4J.

Reads the examples the Java benchmark exported (float32, little-endian: features N x C x H x W, soft targets N x K),
trains with the same minibatches in the same order, and prints one line: `examples_per_second VALUE`.
Exits with status 3 and a message when PyTorch is not installed (Debian: apt-get install python3-torch).
"""
import argparse
import sys
import time

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as missing:
    print(f"PyTorch is not installed ({missing}): apt-get install python3-torch", file=sys.stderr)
    sys.exit(3)


def network(name, channels, classes):
    if name == "small-cnn":
        return nn.Sequential(
            nn.Conv2d(channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 64, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, classes))
    if name == "cnn":  # dev.softlabels.train.Networks "cnn": three conv + batch-norm + ReLU blocks, max-pool between
        layers, previous = [], channels
        for block, width in enumerate((16, 32, 64)):
            layers += [nn.Conv2d(previous, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
            if block < 2:
                layers.append(nn.MaxPool2d(2))
            previous = width
        return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, classes))
    raise SystemExit(f"unknown network {name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--features", required=True)
    parser.add_argument("--targets", required=True)
    parser.add_argument("--shape", required=True, help="N,C,H,W,K")
    parser.add_argument("--network", required=True, choices=["small-cnn", "cnn"])
    parser.add_argument("--optimizer", required=True, choices=["adam", "nesterov"])
    parser.add_argument("--learning-rate", type=float, required=True)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs, after one warm-up epoch")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    n, c, h, w, k = (int(v) for v in args.shape.split(","))
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    features = torch.from_numpy(np.fromfile(args.features, dtype="<f4").reshape(n, c, h, w))
    targets = torch.from_numpy(np.fromfile(args.targets, dtype="<f4").reshape(n, k))
    model = network(args.network, c, k)
    if args.optimizer == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=args.learning_rate, momentum=0.9, nesterov=True,
                                    weight_decay=5e-4)
    batches = [(features[i:i + args.batch], targets[i:i + args.batch]) for i in range(0, n, args.batch)]

    def epoch():
        model.train()
        for x, t in batches:
            optimizer.zero_grad()
            loss = -(t * torch.log_softmax(model(x), dim=1)).sum(dim=1).mean()  # cross-entropy vs soft targets
            loss.backward()
            optimizer.step()

    epoch()
    started = time.perf_counter()
    for _ in range(args.epochs):
        epoch()
    print(f"torch {torch.__version__}")
    print(f"examples_per_second {args.epochs * n / (time.perf_counter() - started):.1f}")


if __name__ == "__main__":
    main()
