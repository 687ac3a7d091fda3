"""How fast each fitted GAN sampler generates 28x28 images, in each precision.

Fits every GAN sampler of the package on Fashion-MNIST ``[4000, ..., 40]``,
then times ``generate`` for ``--n-images`` images of the classes the sampler
can draw, best of ``--repeats`` calls, with ``generation_precision`` set to
``"float32"`` and to ``"bfloat16"``; samplers with a ``discriminator_filter``
are timed both ways, default first. Prints a Markdown table.

By default every stage trains one epoch: generation costs one forward pass
however long the networks were trained, except with the discriminator
filter, whose redraws depend on how often the trained discriminator rejects
a sample (more often after one epoch). With ``--quality`` the samplers
train with their defaults and the table adds, for ``--n-per-class`` samples
per class drawn with the same seed in both precisions: how a SmallCNN
trained on real balanced images labels them (protocol (b), accuracy and
macro-F1), the mean per-class Fréchet distance to the real test images
(protocol (c)) and how far bfloat16 moves a pixel from its float32 value, in
grey levels of 255 (not for the discriminator filter, where one redraw
decided otherwise changes every later draw).

It reuses the runner's modules, so ``benchmarks/`` goes on the path::

    PYTHONPATH=benchmarks python benchmarks/probes/generation_speed.py --help
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from _protocols import (
    build_sampler,
    environment,
    frechet_per_class,
    generate_per_class,
    load_dataset,
    recognisability,
    train_reference,
)
from _timing import filter_settings, generation_labels, images_per_second
from configs import (
    BAGAN_UNFILTERED,
    DatasetSpec,
    Experiment,
    default_data_home,
    gan_sampler_names,
)

SHORT_TRAINING = {"ae_epochs": 1, "gan_epochs": 1}
PRECISIONS = ("float32", "bfloat16")


def quality_cells(sampler, reference, data, n_per_class, seed, float32_samples):
    """Protocols (b) and (c) on ``n_per_class`` samples per class, as table cells.

    Every class the sampler can generate, as in the benchmark's cells.
    Returns the cells and the samples; the last cell compares them with
    ``float32_samples`` (the same draws in float32), or is "-" when None.
    """
    X_gen, y_gen, _ = generate_per_class(sampler, data.classes, n_per_class, seed)
    recognised = recognisability(reference, X_gen, y_gen, data)
    frechet = frechet_per_class(reference, X_gen, y_gen, data)
    change = "-"
    if float32_samples is not None:
        change = f"{np.abs(X_gen - float32_samples.astype(float)).mean():.2f}"
    cells = [
        f"{recognised['accuracy']:.3f}",
        f"{recognised['macro_f1']:.3f}",
        f"{frechet['mean']:.0f}",
        change,
    ]
    return cells, X_gen


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-images", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--quality",
        action="store_true",
        help="train with the default epochs and score the samples of each precision",
    )
    parser.add_argument("--n-per-class", type=int, default=1000)
    parser.add_argument(
        "--samplers", nargs="+", default=None, help="default: every GAN sampler"
    )
    parser.add_argument(
        "--data-home",
        type=Path,
        default=default_data_home(),
        help="folder holding fashion_mnist/ (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    # BAGANSampler's rows already time both settings of discriminator_filter.
    samplers = args.samplers or [
        name for name in gan_sampler_names() if name != BAGAN_UNFILTERED
    ]

    experiment = Experiment(
        dataset=DatasetSpec(
            name="fashion_mnist-gamo", source="fashion_mnist", profile="gamo"
        ),
        seeds=(args.seed,),
        gan_params={} if args.quality else SHORT_TRAINING,
    )
    data = load_dataset(experiment.dataset, args.seed, data_home=args.data_home)
    print(f"{len(data.y_train)} training images {data.image_shape}; ", end="")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads\n")
    header = "| sampler | discriminator_filter | precision | images per second |"
    if args.quality:
        reference = train_reference(experiment, args.seed, data_home=args.data_home)
        header += " recognisability | macro-F1 | Fréchet | grey levels from float32 |"
    print(header)
    print("|---" * header.count(" |") + "|")
    for name in samplers:
        sampler = build_sampler(
            name, image_shape=data.image_shape, seed=args.seed, experiment=experiment
        )
        sampler.fit_resample(data.X_train, data.y_train)
        labels = generation_labels(sampler, args.n_images)
        for discriminator_filter in filter_settings(sampler):
            if discriminator_filter is not None:
                sampler.set_params(discriminator_filter=discriminator_filter)
            float32_samples = None
            for precision in PRECISIONS:
                sampler.set_params(generation_precision=precision)
                rate = images_per_second(sampler, labels, args.repeats)
                row = [
                    name,
                    "-" if discriminator_filter is None else str(discriminator_filter),
                    precision,
                    f"{rate:,.0f}",
                ]
                if args.quality:
                    cells, samples = quality_cells(
                        sampler,
                        reference,
                        data,
                        args.n_per_class,
                        args.seed,
                        float32_samples,
                    )
                    row += cells
                    # A redraw decided otherwise changes the random stream of
                    # every later draw, so filtered samples are not compared.
                    if not discriminator_filter:
                        float32_samples = samples
                print("| " + " | ".join(row) + " |", flush=True)
    machine = environment()["machine"]
    print(f"\nMachine: {machine}")


if __name__ == "__main__":
    main()
