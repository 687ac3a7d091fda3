"""How much SmallCNN's balanced accuracy varies between seeds, per setting.

Chooses the benchmark's SmallCNN settings without looking at the test set:
1,000 images per class of Fashion-MNIST's training pool are held out as a
validation set, the imbalanced training sets ``[4000, ..., 40]`` (one per
seed) are drawn from the rest, and each setting is trained on them with no
resampling (and with class weights where asked). Each (setting, seed) is a
cell stored as JSON in ``--output-dir``, so an interrupted run resumes.

    PYTHONPATH=benchmarks python benchmarks/probes/cnn_stability.py \\
        --output-dir benchmarks/runs/cnn_stability --seeds 0,1,2,3,4
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from configs import default_data_home

from skgan_sampler import SmallCNN
from skgan_sampler.datasets import GAMO_PROFILE, load_fashion_mnist, make_imbalanced
from skgan_sampler.metrics import imbalanced_scores

VALIDATION_PER_CLASS = 1000
VALIDATION_SEED = 12345

#: SmallCNN settings compared; "epochs10" is the instrument before issue #23.
SETTINGS: dict[str, dict] = {
    "epochs10": {"epochs": 10},
    "steps710_cosine": {"n_steps": 710, "lr_schedule": "cosine"},
    "steps710_cosine_shift_flip": {
        "n_steps": 710,
        "lr_schedule": "cosine",
        "augment": "shift_flip",
    },
    "steps1500_one_cycle": {"n_steps": 1500, "lr_schedule": "one_cycle"},
}


def split_pool(data_home):
    """Training pool and balanced validation set, disjoint, from the train split."""
    X, y, _, _ = load_fashion_mnist(data_home=data_home, return_X_y=True)
    X = X.reshape(len(X), -1)
    rng = np.random.RandomState(VALIDATION_SEED)
    validation = np.concatenate(
        [
            rng.choice(np.flatnonzero(y == c), VALIDATION_PER_CLASS, replace=False)
            for c in range(10)
        ]
    )
    in_pool = np.ones(len(y), dtype=bool)
    in_pool[validation] = False
    return X[in_pool], y[in_pool], X[validation], y[validation]


def run_cell(setting: str, seed: int, class_weight, pool, validation) -> dict:
    X_train, y_train = make_imbalanced(*pool, counts=GAMO_PROFILE, random_state=seed)
    classifier = SmallCNN(
        image_shape=(28, 28),
        random_state=seed,
        class_weight=class_weight,
        **SETTINGS[setting],
    )
    start = time.perf_counter()
    classifier.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    scores = imbalanced_scores(validation[1], classifier.predict(validation[0]))
    return {
        "setting": setting,
        "params": SETTINGS[setting],
        "class_weight": class_weight,
        "seed": seed,
        "balanced_accuracy": scores["balanced_accuracy"],
        "macro_f1": scores["macro_f1"],
        "n_steps": classifier.n_steps_,
        "fit_seconds": seconds,
        "torch_threads": torch.get_num_threads(),
    }


def summary(output_dir: Path) -> str:
    cells = [json.loads(p.read_text()) for p in sorted(output_dir.glob("*.json"))]
    lines = ["setting | class weights | seeds | bal. acc. mean ± std | fit (s)"]
    groups: dict[tuple, list] = {}
    for cell in cells:
        key = (cell["setting"], cell["class_weight"])
        groups.setdefault(key, []).append(cell)
    for (setting, class_weight), group in groups.items():
        scores = 100 * np.array([c["balanced_accuracy"] for c in group])
        seconds = np.mean([c["fit_seconds"] for c in group])
        lines.append(
            f"{setting} | {class_weight} | {len(group)} | "
            f"{scores.mean():.1f} ± {scores.std(ddof=1) if len(group) > 1 else 0:.1f}"
            f" | {seconds:.0f}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--settings", default=",".join(SETTINGS))
    parser.add_argument("--class-weights", default="none", help="none,balanced")
    parser.add_argument("--data-home", default=default_data_home())
    parser.add_argument("--summary-only", action="store_true")
    args = parser.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    if not args.summary_only:
        pool_X, pool_y, X_val, y_val = split_pool(args.data_home)
        # Seeds outermost: a partial run already pairs the settings by seed.
        for seed in [int(s) for s in args.seeds.split(",")]:
            for class_weight in args.class_weights.split(","):
                weight = None if class_weight == "none" else class_weight
                for setting in args.settings.split(","):
                    path = args.output_dir / f"{setting}__{class_weight}__{seed}.json"
                    if path.exists():
                        continue
                    cell = run_cell(
                        setting, seed, weight, (pool_X, pool_y), (X_val, y_val)
                    )
                    path.write_text(json.dumps(cell, indent=1) + "\n")
                    score, seconds = cell["balanced_accuracy"], cell["fit_seconds"]
                    print(
                        f"[{time.strftime('%H:%M:%S')}] {path.stem}: "
                        f"{score:.4f} ({seconds:.0f} s)",
                        flush=True,
                    )
    print(summary(args.output_dir))


if __name__ == "__main__":
    main()
