"""Which DeepSMOTE penalty to make the default, decided on a validation split.

The instrument measured both penalties on the test set (the paper's
``"permuted"``, the default, and the reference code's ``"reference"``); a
default is chosen without looking at it. As in ``cnn_stability.py``, 1,000
images per class of Fashion-MNIST's training pool are held out as a
validation set and the imbalanced training sets ``[4000, ..., 40]`` (one per
seed) are drawn from the rest. Each penalty's DeepSMOTESampler (its other
defaults) resamples the set and the instrument's augmented SmallCNN trains on
it; each (penalty, seed) is a JSON cell in ``--output-dir``.

    PYTHONPATH=benchmarks python benchmarks/probes/deepsmote_penalty.py \\
        --output-dir benchmarks/probes/results/deepsmote_penalty --seeds 0,1,2
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from _report import PairedDifference
from cnn_stability import split_pool
from configs import INSTRUMENT, default_data_home

from skgan_sampler import DeepSMOTESampler, SmallCNN
from skgan_sampler.datasets import GAMO_PROFILE, make_imbalanced
from skgan_sampler.metrics import imbalanced_scores

PENALTIES = ("permuted", "reference")
EXPERIMENT = INSTRUMENT.experiments[0]


def run_cell(penalty: str, seed: int, pool, validation) -> dict:
    X_train, y_train = make_imbalanced(*pool, counts=GAMO_PROFILE, random_state=seed)
    sampler = DeepSMOTESampler(
        image_shape=(28, 28),
        penalty=penalty,
        random_state=seed,
        generation_precision="float32",
    )
    start = time.perf_counter()
    X_fit, y_fit = sampler.fit_resample(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    classifier = SmallCNN(
        image_shape=(28, 28),
        random_state=seed,
        augment=EXPERIMENT.augment,
        **EXPERIMENT.cnn_params,
    ).fit(X_fit, y_fit)
    scores = imbalanced_scores(validation[1], classifier.predict(validation[0]))
    return {
        "penalty": penalty,
        "seed": seed,
        "balanced_accuracy": scores["balanced_accuracy"],
        "per_class_recall": {str(k): v for k, v in scores["per_class_recall"].items()},
        "sampler_fit_seconds": fit_seconds,
    }


def summary(output_dir: Path) -> str:
    cells = [json.loads(p.read_text()) for p in sorted(output_dir.glob("*.json"))]
    by_penalty: dict[str, dict[int, float]] = {}
    for cell in cells:
        by_penalty.setdefault(cell["penalty"], {})[cell["seed"]] = (
            100 * (cell["balanced_accuracy"])
        )
    lines = ["penalty | seeds | validation bal. acc. mean ± std"]
    for penalty, scores in by_penalty.items():
        values = np.array(list(scores.values()))
        spread = values.std(ddof=1) if len(values) > 1 else 0.0
        lines.append(f"{penalty} | {len(values)} | {values.mean():.1f} ± {spread:.1f}")
    if set(PENALTIES) <= by_penalty.keys():
        paired = PairedDifference.of(by_penalty["reference"], by_penalty["permuted"])
        lines.append(f"reference − permuted, paired: {paired}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--data-home", default=default_data_home())
    parser.add_argument("--summary-only", action="store_true")
    args = parser.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    if not args.summary_only:
        pool_X, pool_y, X_val, y_val = split_pool(args.data_home)
        # Seeds outermost: a partial run already pairs the penalties by seed.
        for seed in [int(s) for s in args.seeds.split(",")]:
            for penalty in PENALTIES:
                path = args.output_dir / f"{penalty}__{seed}.json"
                if path.exists():
                    continue
                cell = run_cell(penalty, seed, (pool_X, pool_y), (X_val, y_val))
                path.write_text(json.dumps(cell, indent=1) + "\n")
                print(
                    f"[{time.strftime('%H:%M:%S')}] {path.stem}: "
                    f"{cell['balanced_accuracy']:.4f}",
                    flush=True,
                )
    print(summary(args.output_dir))


if __name__ == "__main__":
    main()
