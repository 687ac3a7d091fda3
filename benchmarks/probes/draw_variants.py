"""Does the way a fitted sampler draws its samples change SmallCNN's result?

Fits a BAGAN-style sampler (one with class latent Gaussians and a
``discriminator_``, i.e. ``BAGANSampler`` or ``SCDLGANSampler``; or SMOTE,
for comparison, with the default variant only) once per seed on
Fashion-MNIST ``[4000, ..., 40]``, caches it, and balances the
training set to the largest class with each requested way of drawing the
synthetic rows:

* ``default``: the sampler's own ``fit_resample`` output;
* ``confident-half``: twice the draws of each class through ``generate``,
  keeping the half whose discriminator probability of the class (softmax
  over the class outputs, "fake" left out) is highest: a stricter version
  of BAGAN's ``discriminator_filter``;
* ``wide-latent``: ``generate`` with every class covariance doubled, so the
  latents spread further from the class means.

``--sampler-params`` fits the sampler with other parameters (e.g. more GAN
epochs), cached apart from the defaults.

Then protocol (a) of the benchmark (SmallCNN, ``--cnn-epochs``, and the
cheap model) on the balanced test set, unless ``--separability-only``; and,
in seconds, how well a linear model tells each oversampled class's real
training images from its synthetic ones (3-fold cross-validated accuracy of
a logistic regression on the pixels; 0.5 means it cannot), and each class's
real training images from the fitted generator's reconstructions of them,
``generator_(encoder_(x))``: that locates what gives the samples away in the
generator itself rather than in where the latents are drawn. Appends one
JSON line per (variant, seed) to ``--output`` (with per-class recall) and
prints a Markdown table.
The variants are probes of what limits the downstream result, not options
of the samplers.

It reuses the runner's modules, so ``benchmarks/`` goes on the path::

    PYTHONPATH=benchmarks python benchmarks/probes/draw_variants.py --help
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import argparse
import copy
import json
import pickle
import time
from pathlib import Path

import numpy as np
import torch
from _protocols import _hash, build_sampler, downstream, environment, load_dataset
from configs import DatasetSpec, Experiment, default_data_home
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

VARIANTS = ("default", "confident-half", "wide-latent")
WIDE_LATENT_FACTOR = 2.0
DATASET = DatasetSpec(name="fashion_mnist-gamo", source="fashion_mnist", profile="gamo")


def cache_name(method, seed, sampler_params):
    """The cache file of a fit; parameters other than the defaults get a hash."""
    if not sampler_params:
        return f"{method}_seed{seed}.pkl"
    return f"{method}_seed{seed}_{_hash(sampler_params)}.pkl"


def fitted_sampler(method, data, seed, cache_dir, sampler_params=None):
    """The sampler fitted on ``data`` and its ``fit_resample`` output.

    ``sampler_params`` override the benchmark's settings of the sampler.
    GAN samplers are cached in ``cache_dir``; SMOTE is refitted (seconds)
    on float32 rows, as in the benchmark's cells.
    """
    sampler_params = sampler_params or {}
    path = cache_dir / cache_name(method, seed, sampler_params)
    if path.exists():
        return pickle.loads(path.read_bytes())
    sampler = build_sampler(
        method,
        image_shape=data.image_shape,
        seed=seed,
        experiment=Experiment(
            dataset=DATASET,
            seeds=(seed,),
            methods=(method,),
            sampler_params={method: sampler_params},
        ),
    )
    start = time.perf_counter()
    resampled = sampler.fit_resample(data.X_train, data.y_train)
    fitted = {
        "sampler": sampler,
        "resampled": resampled,
        "fit_seconds": time.perf_counter() - start,
    }
    if method != "SMOTE":
        path.write_bytes(pickle.dumps(fitted))
    return fitted


def network_outputs(sampler, network, rows):
    """``network``'s outputs on ``rows``, through the sampler's data layout.

    Runs a copy in eval mode, so the fitted network keeps its mode.
    """
    network_input = torch.as_tensor(sampler.data_layout_.to_network(rows))
    network = copy.deepcopy(network).eval()
    with torch.no_grad():
        return torch.cat([network(chunk) for chunk in network_input.split(1024)])


def class_probabilities(sampler, rows):
    """The discriminator's softmax over the class outputs ("fake" left out)."""
    logits = network_outputs(sampler, sampler.discriminator_, rows)
    return torch.softmax(logits[:, :-1], dim=1).numpy()


def synthetic_rows(sampler, label, n_rows, variant, random_state):
    """``n_rows`` synthetic rows of class ``label`` drawn the ``variant`` way."""
    if variant == "wide-latent":
        wide = copy.deepcopy(sampler)
        wide.class_latent_covariances_ = (
            sampler.class_latent_covariances_ * WIDE_LATENT_FACTOR
        )
        return wide.generate(np.full(n_rows, label), random_state=random_state)
    candidates = sampler.generate(np.full(2 * n_rows, label), random_state=random_state)
    column = list(sampler.classes_).index(label)
    confidence = class_probabilities(sampler, candidates)[:, column]
    return candidates[np.argsort(-confidence, kind="stable")[:n_rows]]


def resampled(fitted, data, variant, seed):
    """The training set balanced to its largest class, the ``variant`` way."""
    if variant == "default":
        return fitted["resampled"]
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(data.y_train, return_counts=True)
    X_parts, y_parts = [data.X_train], [data.y_train]
    for label, count in zip(classes, counts, strict=True):
        n_rows = counts.max() - count
        if n_rows == 0:
            continue
        X_parts.append(
            synthetic_rows(
                fitted["sampler"], label, n_rows, variant, int(rng.integers(2**31))
            )
        )
        y_parts.append(np.full(n_rows, label))
    return np.concatenate(X_parts), np.concatenate(y_parts)


def synthetic_separability(data, X_fit, y_fit):
    """Per oversampled class, how well a linear model tells real from synthetic.

    3-fold cross-validated accuracy of a logistic regression on the pixels
    (scaled to [0, 1]) that separates the class's real training rows from as
    many of its synthetic rows (the rows after the originals).
    """
    n_real = len(data.y_train)
    scale = 1.0 / np.iinfo(data.X_train.dtype).max
    accuracies = {}
    for label in np.unique(data.y_train):
        real = data.X_train[data.y_train == label]
        synthetic = X_fit[n_real:][y_fit[n_real:] == label][: len(real)]
        if len(synthetic) < len(real):
            continue
        rows = np.concatenate([real, synthetic]).astype(np.float32) * scale
        is_synthetic = np.repeat([0, 1], len(real))
        accuracies[str(label)] = float(
            cross_val_score(
                LogisticRegression(C=0.1, max_iter=300), rows, is_synthetic, cv=3
            ).mean()
        )
    return accuracies


def reconstruction_separability(sampler, data):
    """Per class, how well a linear model tells real rows from their reconstructions.

    The reconstructions are ``generator_(encoder_(x))`` of every real
    training row, through the fitted (adversarially trained) generator;
    scored as in :func:`synthetic_separability`.
    """
    autoencoder = torch.nn.Sequential(sampler.encoder_, sampler.generator_)
    output = network_outputs(sampler, autoencoder, data.X_train)
    reconstructions = sampler.data_layout_.from_network(output.numpy())
    return synthetic_separability(
        data,
        np.concatenate([data.X_train, reconstructions]),
        np.concatenate([data.y_train, data.y_train]),
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--method",
        default="BAGANSampler",
        choices=("BAGANSampler", "SCDLGANSampler", "SMOTE"),
        help="SMOTE, for comparison, has only the default variant",
    )
    parser.add_argument(
        "--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--cnn-epochs", type=int, default=10)
    parser.add_argument(
        "--separability-only",
        action="store_true",
        help="skip protocol (a), which trains a SmallCNN (minutes per cell)",
    )
    parser.add_argument(
        "--sampler-params",
        type=json.loads,
        default={},
        help="JSON object of sampler parameters, e.g. '{\"gan_epochs\": 60}'",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path("benchmarks/runs/draw_variants"),
        help="where fitted samplers are kept between runs (large pickles)",
    )
    parser.add_argument(
        "--output", type=Path, default=Path("benchmarks/runs/draw_variants.jsonl")
    )
    parser.add_argument(
        "--data-home",
        type=Path,
        default=default_data_home(),
        help="folder holding fashion_mnist/ (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.method == "SMOTE" and args.variants != ["default"]:
        parser.error("--method SMOTE needs --variants default")
    if not isinstance(args.sampler_params, dict):
        parser.error(
            "--sampler-params must be a JSON object, e.g. '{\"gan_epochs\": 60}'"
        )
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)

    print(
        f"| {args.method} draws | seed | SmallCNN bal. acc. "
        "| real vs synthetic, per class | real vs reconstructed, per class |"
    )
    print("|---|---|---|---|---|")
    for variant in args.variants:
        for seed in args.seeds:
            data = load_dataset(DATASET, seed, data_home=args.data_home)
            fitted = fitted_sampler(
                args.method, data, seed, args.cache_dir, args.sampler_params
            )
            X_fit, y_fit = resampled(fitted, data, variant, seed)
            record = {
                "method": args.method,
                "sampler_params": args.sampler_params,
                "variant": variant,
                "seed": seed,
                "fit_seconds": fitted["fit_seconds"],
                "separability": synthetic_separability(data, X_fit, y_fit),
                "reconstruction_separability": (
                    {}
                    if args.method == "SMOTE"
                    else reconstruction_separability(fitted["sampler"], data)
                ),
                "environment": environment(),
            }
            balanced_accuracy = "-"
            if not args.separability_only:
                record["downstream"] = downstream(
                    X_fit,
                    y_fit,
                    data,
                    seed=seed,
                    epochs=args.cnn_epochs,
                    cnn_params={},
                    class_weight=None,
                    cheap_max_iter=100,
                )
                cnn = record["downstream"]["SmallCNN"]
                balanced_accuracy = f"{100 * cnn['balanced_accuracy']:.1f}"
            with args.output.open("a") as stream:
                stream.write(json.dumps(record) + "\n")
            separability, reconstructed = (
                " ".join(f"{label}: {value:.2f}" for label, value in scores.items())
                or "-"
                for scores in (
                    record["separability"],
                    record["reconstruction_separability"],
                )
            )
            print(
                f"| {variant} | {seed} | {balanced_accuracy} | {separability} "
                f"| {reconstructed} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
