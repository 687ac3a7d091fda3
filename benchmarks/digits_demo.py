"""The main job: every sampler in front of SmallCNN on imbalanced digits.

Uses scikit-learn's bundled 8x8 digits (no download). A stratified half is
held out as a balanced test set; in the training half, digit 3 is cut to 5%
of the largest class and digits 5 and 8 to 20% and 50%. Each oversampler
sits in an ``imblearn.pipeline.Pipeline`` in front of ``SmallCNN``; the
script prints balanced accuracy, macro-F1 and the geometric mean score on
the test set, and writes a PNG grid of generated samples per class.

Run ``python benchmarks/digits_demo.py --help`` for options.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import numpy as np
from imblearn.datasets import make_imbalance
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skgan_sampler import (
    BAGANGPSampler,
    BAGANSampler,
    GAMOSampler,
    SCDLGANSampler,
    SmallCNN,
)
from skgan_sampler.metrics import imbalanced_scores
from skgan_sampler.preprocessing import make_float_pipeline

IMAGE_SHAPE = (8, 8)
KEPT_FRACTION = {3: 0.05, 5: 0.2, 8: 0.5}


def make_data(seed: int):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X.astype(np.uint8), y, test_size=0.5, stratify=y, random_state=seed
    )
    largest = max(Counter(y_train).values())
    counts = {
        label: max(2, round(largest * KEPT_FRACTION[label]))
        if label in KEPT_FRACTION
        else count
        for label, count in Counter(y_train).items()
    }
    X_train, y_train = make_imbalance(
        X_train, y_train, sampling_strategy=counts, random_state=seed
    )
    return X_train, X_test, y_train, y_test


def make_pipelines(seed: int, cnn_epochs: int) -> dict:
    """Each method's pipeline, ending in a fresh ``SmallCNN``.

    imbalanced-learn's SMOTE interpolates in the input's dtype, which wraps
    around on the uint8 images, so its pipeline casts the rows to float
    first; the package's samplers take the uint8 rows as they are.
    """

    def classifier():
        return SmallCNN(image_shape=IMAGE_SHAPE, epochs=cnn_epochs, random_state=seed)

    return {
        "no resampling": make_pipeline(classifier()),
        "SMOTE": make_float_pipeline(
            SMOTE(random_state=seed, k_neighbors=1), classifier()
        ),
        **{
            sampler.__name__: make_pipeline(
                sampler(image_shape=IMAGE_SHAPE, random_state=seed), classifier()
            )
            for sampler in (BAGANSampler, BAGANGPSampler, SCDLGANSampler, GAMOSampler)
        },
    }


def save_sample_grid(fitted_samplers: dict, classes, path: Path, n_per_class: int = 8):
    """Draw generated digits: one panel per sampler, one column per class.

    A class the sampler did not oversample gets a blank, labelled column: the
    majority class gets no samples, and GAMOSampler learns no generator for
    it.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    height, width = IMAGE_SHAPE
    gap = 1
    # Gaps and blank columns are NaN, drawn in a colour no pixel has.
    colormap = plt.get_cmap("gray_r").with_extremes(bad="lightsteelblue")
    centres = np.arange(len(classes)) * (width + gap) + (width - 1) / 2
    names = list(fitted_samplers)
    figure, axes = plt.subplots(
        len(names),
        1,
        squeeze=False,
        figsize=(0.5 * len(classes) + 1, 0.5 * n_per_class * len(names) + 1.2),
    )
    for axis, name in zip(axes[:, 0], names, strict=True):
        sampler = fitted_samplers[name]
        oversampled = [c for c, n in sampler.sampling_strategy_.items() if n > 0]
        generated = sampler.generate(
            np.repeat(oversampled, n_per_class), random_state=0
        ).reshape(len(oversampled), n_per_class, height, width)
        mosaic = np.full(
            (n_per_class * (height + gap) - gap, len(classes) * (width + gap) - gap),
            np.nan,
        )
        for label, images in zip(oversampled, generated, strict=True):
            left = int(np.searchsorted(classes, label)) * (width + gap)
            for row, image in enumerate(images):
                top = row * (height + gap)
                mosaic[top : top + height, left : left + width] = image
        axis.imshow(mosaic, cmap=colormap, interpolation="nearest")
        for column, label in enumerate(classes):
            if label not in oversampled:
                axis.text(
                    centres[column],
                    mosaic.shape[0] / 2,
                    "not oversampled",
                    rotation=90,
                    ha="center",
                    va="center",
                    fontsize=7,
                )
        axis.set_xticks(centres, labels=[str(label) for label in classes])
        axis.set_yticks([])
        axis.tick_params(length=0, labelsize=7)
        axis.set_frame_on(False)
        axis.set_title(name, fontsize=9)
    figure.suptitle(
        "Generated samples, one column per digit.\nA blank column is a class the "
        "sampler did not\noversample: the majority class gets no\nsamples "
        "(GAMOSampler has no generator for it).",
        fontsize=8,
    )
    # Room for the four lines of the title above the first panel's own title.
    figure.tight_layout(rect=(0, 0, 1, 1 - 0.6 / figure.get_figheight()))
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=Path("demo_output"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cnn-epochs", type=int, default=30)
    args = parser.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)

    X_train, X_test, y_train, y_test = make_data(args.seed)
    counts = Counter(y_train.tolist())
    print(f"training counts per digit: {dict(sorted(counts.items()))}")
    print(f"balanced test set: {len(y_test)} images\n")

    header = f"{'sampler':<16}{'bal. acc.':>10}{'macro-F1':>10}{'G-mean':>9}"
    header += f"{'fit (s)':>9}"
    print(header)
    print("-" * len(header))
    fitted_samplers = {}
    for name, pipeline in make_pipelines(args.seed, args.cnn_epochs).items():
        start = time.perf_counter()
        pipeline.fit(X_train, y_train)
        elapsed = time.perf_counter() - start
        scores = imbalanced_scores(y_test, pipeline.predict(X_test))
        print(
            f"{name:<16}{scores['balanced_accuracy']:>10.3f}{scores['macro_f1']:>10.3f}"
            f"{scores['geometric_mean']:>9.3f}{elapsed:>9.1f}"
        )
        sampler = pipeline.steps[-2][1] if len(pipeline.steps) > 1 else None
        if hasattr(sampler, "generate"):
            fitted_samplers[name] = sampler

    grid_path = args.output_dir / "generated_digits.png"
    save_sample_grid(fitted_samplers, np.unique(y_train), grid_path)
    print(f"\ngenerated samples per class: {grid_path}")


if __name__ == "__main__":
    main()
