"""How fast each fitted GAN sampler generates 28x28 images on this machine.

Fits every GAN sampler of the package on Fashion-MNIST ``[4000, ..., 40]``
with one epoch per stage (generation costs the same however long the
networks were trained: one forward pass of the generator), then times
``generate`` for ``--n-images`` images of the classes the sampler can draw,
best of ``--repeats`` calls. Prints a Markdown table of images per second;
samplers with a ``discriminator_filter`` are timed with it on (their
default) and off.

Run ``python benchmarks/generation_speed.py --help`` for options.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from _protocols import build_sampler, environment, load_dataset
from configs import DatasetSpec, Experiment, gan_sampler_names

SHORT_TRAINING = {"ae_epochs": 1, "gan_epochs": 1}


def images_per_second(sampler, labels: np.ndarray, repeats: int) -> float:
    """Best-of-``repeats`` generation rate for ``labels``, in images per second."""
    best = np.inf
    for repeat in range(repeats):
        start = time.perf_counter()
        sampler.generate(labels, random_state=repeat)
        best = min(best, time.perf_counter() - start)
    return len(labels) / best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-images", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    experiment = Experiment(
        dataset=DatasetSpec(
            name="fashion_mnist-gamo", source="fashion_mnist", profile="gamo"
        ),
        seeds=(args.seed,),
        gan_params=SHORT_TRAINING,
    )
    data = load_dataset(experiment.dataset, args.seed)
    print(f"{len(data.y_train)} training images {data.image_shape}; ", end="")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads\n")
    print(
        "| sampler | images generated | best of | images per second "
        "| without discriminator_filter |"
    )
    print("|---|---|---|---|---|")
    for name in gan_sampler_names():
        sampler = build_sampler(
            name, image_shape=data.image_shape, seed=args.seed, experiment=experiment
        )
        sampler.fit_resample(data.X_train, data.y_train)
        classes = [c for c, n in sampler.sampling_strategy_.items() if n > 0]
        labels = np.resize(np.asarray(classes), args.n_images)
        rate = images_per_second(sampler, labels, args.repeats)
        unfiltered = "-"
        if sampler.get_params().get("discriminator_filter"):
            sampler.set_params(discriminator_filter=False)
            unfiltered = f"{images_per_second(sampler, labels, args.repeats):,.0f}"
        print(
            f"| {name} | {len(labels):,} | {args.repeats} | {rate:,.0f} "
            f"| {unfiltered} |"
        )
    machine = environment()["machine"]
    print(f"\nMachine: {machine}")


if __name__ == "__main__":
    main()
