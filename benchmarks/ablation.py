"""What the classifier does with synthetic rows: the downstream ablation of #24.

On the instrument's data (Fashion-MNIST ``[4000, ..., 40]``, its seeds, its
augmented SmallCNN), every sampler is fitted once per seed and its synthetic
rows are kept in an ignored cache (``resampled/``); SmallCNN is then trained
on them under each remedy through
:class:`skgan_sampler.OversampledClassifier`:

- how many synthetic rows: the minorities topped up to a fraction of the
  largest class (a per-class prefix of the cached rows, which are drawn
  independently of each other);
- synthetic rows weighted below real ones;
- synthetic rows used only to re-train the last layer after SmallCNN learned
  its features from the real rows (decoupled training);
- the sampler stacked on logit adjustment, the best loss-side baseline.

Random oversampling with the last-layer remedy is classifier re-training
with class-balanced sampling of the real rows (cRT, Kang et al., ICLR 2020),
the loss-side counterpart of the samplers' last-layer remedy::

    PYTHONPATH=benchmarks python benchmarks/ablation.py \\
        --methods RandomOverSampler --remedies "last layer"

Every (sampler, remedy, seed) is a resumable JSON cell under ``cells/``; the
report pairs each pipeline by seed with the instrument's SMOTE + augment and
logit adjustment + augment, and with the same sampler's full top-up.

Run from the repository root::

    PYTHONPATH=benchmarks python benchmarks/ablation.py --fit-only
    PYTHONPATH=benchmarks python benchmarks/ablation.py
    PYTHONPATH=benchmarks python benchmarks/ablation.py --report-only
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from _protocols import (
    _cpu_model,
    _test_scores,
    build_sampler,
    configure_threads,
    load_dataset,
    resample_with_cost,
)
from _report import PairedDifference, _mean_std, _table
from configs import INSTRUMENT, default_data_home, is_gan_method
from run import _log, write_json_atomic

EXPERIMENT = INSTRUMENT.experiments[0]
INSTRUMENT_DIR = Path(__file__).parent / "results_instrument"
OUTPUT_DIR = Path(__file__).parent / "results_ablation"

#: The samplers of the ablation: the best deep sampler of the instrument,
#: the best GAN sampler, and SMOTE, which gets the same remedies.
METHODS = ("DeepSMOTESampler-reference-penalty", "SMOTE", "BAGANGPSampler")

#: Each remedy's top-up fraction, synthetic-row weight, use of the synthetic
#: rows and logit adjustment (SmallCNN's ``tau``). "full" is the instrument's
#: setting, the one the others are paired with: its scores are the
#: instrument's cells, and running it replays them as a reproduction check.
REMEDIES: dict[str, dict[str, Any]] = {
    "full": {
        "top_up": 1.0,
        "synthetic_weight": 1.0,
        "synthetic_training": "joint",
        "logit_adjustment": 0.0,
    },
    "top-up 0.25": {
        "top_up": 0.25,
        "synthetic_weight": 1.0,
        "synthetic_training": "joint",
        "logit_adjustment": 0.0,
    },
    "weight 0.5": {
        "top_up": 1.0,
        "synthetic_weight": 0.5,
        "synthetic_training": "joint",
        "logit_adjustment": 0.0,
    },
    "last layer": {
        "top_up": 1.0,
        "synthetic_weight": 1.0,
        "synthetic_training": "last_layer",
        "logit_adjustment": 0.0,
    },
    "LA + top-up 0.25": {
        "top_up": 0.25,
        "synthetic_weight": 1.0,
        "synthetic_training": "joint",
        "logit_adjustment": 1.0,
    },
}

#: The instrument's pipelines every ablation pipeline is paired with.
REFERENCES = {
    "SMOTE + augment": "SMOTE",
    "logit adjustment + augment": "logit_adjustment",
}


def _slug(text: str) -> str:
    return text.replace(" ", "").replace("+", "_")


def cache_path(output_dir: Path, method: str, seed: int) -> Path:
    return output_dir / "resampled" / f"{method}__seed{seed}.npz"


def cell_path(output_dir: Path, method: str, remedy: str, seed: int) -> Path:
    return output_dir / "cells" / f"{method}__{_slug(remedy)}__seed{seed}.json"


def fit_and_cache(method: str, seed: int, data, output_dir: Path) -> Path:
    """Fit ``method``'s sampler on the seed's training set; keep its new rows."""
    path = cache_path(output_dir, method, seed)
    if path.exists():
        return path
    sampler = build_sampler(
        method,
        image_shape=data.image_shape,
        seed=seed,
        experiment=EXPERIMENT,
        smallest_count=int(data.train_counts.min()),
    )
    _log(f"fit    {method} seed {seed}")
    X_fit, y_fit, cost = resample_with_cost(sampler, data.X_train, data.y_train)
    n_real = len(data.y_train)
    if not (
        np.array_equal(X_fit[:n_real], data.X_train)
        and np.array_equal(y_fit[:n_real], data.y_train)
    ):
        raise RuntimeError(f"{method} did not return the real rows first.")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.npz")
    np.savez(
        tmp,
        X_synthetic=np.asarray(X_fit[n_real:], dtype=np.float32),
        y_synthetic=y_fit[n_real:],
        fit_seconds=cost["fit_seconds"],
    )
    tmp.replace(path)
    _log(f"cached {method} seed {seed}: {cost['fit_seconds']:.0f} s")
    return path


def top_up_rows(
    X_synthetic: np.ndarray, y_synthetic: np.ndarray, y_real: np.ndarray, fraction
) -> tuple[np.ndarray, np.ndarray]:
    """The first synthetic rows of each class that top it up to ``fraction``."""
    from skgan_sampler import TopUp

    targets = TopUp(fraction)(y_real)
    keep = np.zeros(len(y_synthetic), dtype=bool)
    for label, target in targets.items():
        rows = np.flatnonzero(y_synthetic == label)
        keep[rows[: target - int(np.sum(y_real == label))]] = True
    return X_synthetic[keep], y_synthetic[keep]


def load_cache(path: Path) -> dict[str, np.ndarray]:
    """The cached synthetic rows, labels and fit time, read once."""
    with np.load(path) as cached:
        return {name: cached[name] for name in cached.files}


def train_cell(
    method: str, remedy: str, seed: int, data, cached: dict[str, np.ndarray]
) -> dict[str, Any]:
    """SmallCNN (+ augment) on the cached rows under one remedy; test scores."""
    from imblearn import FunctionSampler

    from skgan_sampler import OversampledClassifier, SmallCNN

    settings = REMEDIES[remedy]
    X_synthetic, y_synthetic = top_up_rows(
        cached["X_synthetic"], cached["y_synthetic"], data.y_train, settings["top_up"]
    )

    def replay(X, y):
        return np.vstack([X, X_synthetic]), np.concatenate([y, y_synthetic])

    classifier = OversampledClassifier(
        sampler=FunctionSampler(func=replay, validate=False),
        estimator=SmallCNN(
            image_shape=data.image_shape,
            epochs=EXPERIMENT.cnn_epochs,
            random_state=seed,
            augment=EXPERIMENT.augment,
            logit_adjustment=settings["logit_adjustment"],
            **EXPERIMENT.cnn_params,
        ),
        synthetic_weight=settings["synthetic_weight"],
        synthetic_training=settings["synthetic_training"],
    )
    _log(f"train  {method} / {remedy} seed {seed}")
    start = time.perf_counter()
    classifier.fit(np.asarray(data.X_train, dtype=np.float64), data.y_train)
    train_seconds = time.perf_counter() - start
    return {
        "method": method,
        "remedy": remedy,
        "remedy_settings": settings,
        "seed": seed,
        "n_synthetic": int(len(y_synthetic)),
        "sampler_fit_seconds": float(cached["fit_seconds"]),
        **_test_scores(data, classifier.predict(data.X_test)),
        "train_seconds": train_seconds,
        "cpu": _cpu_model(),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def run(
    methods: Sequence[str],
    remedies: Sequence[str],
    seeds: Sequence[int],
    output_dir: Path,
    data_home: str | None,
    fit_only: bool,
) -> None:
    configure_threads(None, 1)
    for method in methods:
        for seed in seeds:
            data = load_dataset(EXPERIMENT.dataset, seed, data_home=data_home)
            cache = fit_and_cache(method, seed, data, output_dir)
            pending = [
                remedy
                for remedy in remedies
                if not cell_path(output_dir, method, remedy, seed).exists()
            ]
            if fit_only or not pending:
                continue
            cached = load_cache(cache)
            for remedy in pending:
                path = cell_path(output_dir, method, remedy, seed)
                result = train_cell(method, remedy, seed, data, cached)
                path.parent.mkdir(parents=True, exist_ok=True)
                write_json_atomic(path, result)
                _log(
                    f"done   {method} / {remedy} seed {seed}: "
                    f"{100 * result['balanced_accuracy']:.1f}"
                )
            write_report(output_dir)


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def _instrument_cells() -> dict[str, dict[int, dict[str, Any]]]:
    """The instrument's augmented SmallCNN scores, by method and seed."""
    scores: dict[str, dict[int, dict[str, Any]]] = {}
    for path in sorted((INSTRUMENT_DIR / "cells").glob("*.json")):
        cell = json.loads(path.read_text())
        augmented = cell.get("downstream", {}).get("SmallCNN+augment")
        if cell.get("status") == "ok" and augmented is not None:
            scores.setdefault(cell["method"], {})[cell["seed"]] = augmented
    return scores


def _ablation_cells(output_dir: Path) -> list[dict[str, Any]]:
    return [
        json.loads(path.read_text())
        for path in sorted((output_dir / "cells").glob("*.json"))
    ]


def _balanced(cells: dict[int, dict[str, Any]]) -> dict[int, float]:
    return {seed: 100 * cell["balanced_accuracy"] for seed, cell in cells.items()}


def _pipelines(
    cells: list[dict[str, Any]], instrument: dict[str, dict[int, dict[str, Any]]]
) -> dict[tuple[str, str], dict[int, dict[str, Any]]]:
    """Each (sampler, remedy)'s cells by seed; "full" is the instrument's cell."""
    pipelines: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for method in METHODS:
        if method in instrument:
            pipelines[(method, "full")] = instrument[method]
    for cell in cells:
        if cell["remedy"] != "full":
            pipelines.setdefault((cell["method"], cell["remedy"]), {})[cell["seed"]] = (
                cell
            )
    order = {remedy: rank for rank, remedy in enumerate(REMEDIES)}
    methods = {method: rank for rank, method in enumerate(METHODS)}
    return dict(
        sorted(
            pipelines.items(),
            key=lambda item: (
                methods.get(item[0][0], len(methods)),
                order.get(item[0][1], len(order)),
            ),
        )
    )


def _paired(a: dict[int, float], b: dict[int, float]) -> str:
    paired = PairedDifference.of(a, b)
    return "—" if paired is None else str(paired)


def _score_rows(pipelines, instrument) -> list[list[str]]:
    rows = []
    for (method, remedy), by_seed in pipelines.items():
        scores = _balanced(by_seed)
        full = _balanced(pipelines.get((method, "full"), {}))
        rows.append(
            [
                method,
                remedy,
                _mean_std(list(scores.values())),
                "—" if remedy == "full" else _paired(scores, full),
                *(
                    "—"
                    if (method, remedy) == (name, "full")
                    else _paired(scores, _balanced(instrument.get(name, {})))
                    for name in REFERENCES.values()
                ),
            ]
        )
    return rows


def _mean_recall(cells, label: str) -> str:
    return f"{100 * np.mean([cell['per_class_recall'][label] for cell in cells]):.0f}"


def _recall_rows(pipelines) -> tuple[list[str], list[list[str]]]:
    classes = sorted(
        {
            label
            for by_seed in pipelines.values()
            for cell in by_seed.values()
            for label in cell["per_class_recall"]
        },
        key=int,
    )
    rows = [
        [
            method,
            remedy,
            *(_mean_recall(by_seed.values(), label) for label in classes),
        ]
        for (method, remedy), by_seed in pipelines.items()
    ]
    return classes, rows


def _reproduction_rows(cells, instrument) -> list[list[str]]:
    """Ablation cells of the "full" remedy beside the instrument's same cell."""
    rows = []
    for cell in cells:
        if cell["remedy"] != "full":
            continue
        stored = instrument.get(cell["method"], {}).get(cell["seed"])
        rows.append(
            [
                cell["method"],
                str(cell["seed"]),
                f"{100 * cell['balanced_accuracy']:.2f}",
                "—" if stored is None else f"{100 * stored['balanced_accuracy']:.2f}",
            ]
        )
    return rows


def _headline(pipelines, instrument) -> list[str]:
    """The best pipeline with a deep sampler against the best one without.

    Candidates are every augmented pipeline of the instrument (its "full"
    rows) and every remedy of the ablation, by mean balanced accuracy.
    """
    candidates = {
        (method, "full"): _balanced(cells) for method, cells in instrument.items()
    }
    candidates.update(
        {key: _balanced(cells) for key, cells in pipelines.items() if key[1] != "full"}
    )

    def best(deep: bool):
        keys = [key for key in candidates if is_gan_method(key[0]) == deep]
        if not keys:
            return None
        return max(keys, key=lambda key: np.mean(list(candidates[key].values())))

    with_deep, without = best(True), best(False)
    if with_deep is None or without is None:
        return []

    def name(key) -> str:
        return f"{key[0]} / {key[1]} ({_mean_std(list(candidates[key].values()))})"

    return [
        "## Headline",
        "",
        f"- Best pipeline with a deep sampler: {name(with_deep)}.",
        f"- Best pipeline without one: {name(without)}.",
        "- The first minus the second, paired: "
        f"{_paired(candidates[with_deep], candidates[without])}.",
        "",
        "All with the augmented SmallCNN; chosen by their mean on the test set, "
        "as the milestone of #24 defines them, so a difference inside its "
        "interval is no difference.",
        "",
    ]


def write_report(output_dir: Path) -> Path:
    """``report.md``: every pipeline's score and its paired differences."""
    cells = _ablation_cells(output_dir)
    instrument = _instrument_cells()
    pipelines = _pipelines(cells, instrument)
    header = [
        "sampler",
        "remedy",
        "balanced acc. (%)",
        "− full top-up",
        *(f"− {label}" for label in REFERENCES),
    ]
    classes, recall_rows = _recall_rows(pipelines)
    remedy_rows = [
        [name, *(str(value) for value in settings.values())]
        for name, settings in REMEDIES.items()
    ]
    cpus = sorted({cell["cpu"] for cell in cells})
    lines = [
        "# Downstream ablation (issue #24)",
        "",
        "Generated by `benchmarks/ablation.py` from the cells in `cells/`. "
        f"Data, seeds and classifier: the instrument's ({EXPERIMENT.dataset.describe()}"
        f"; SmallCNN {EXPERIMENT.cnn_params}, augment={EXPERIMENT.augment!r}). "
        "Each sampler is fitted once per seed; its synthetic rows go to SmallCNN "
        'through `OversampledClassifier` under each remedy. The "full" rows are '
        "the instrument's cells of the same sampler (the same setting). "
        "Differences are paired by seed, mean [95% t-interval]; the instrument's "
        f"pipelines come from `results_instrument/`. CPU: {', '.join(cpus) or '—'}.",
        "",
        *_headline(pipelines, instrument),
        "## Remedies",
        "",
        _table(["remedy", *REMEDIES["full"]], remedy_rows),
        "",
        "## Balanced accuracy",
        "",
        _table(header, _score_rows(pipelines, instrument)),
        "",
        "## Per-class recall (%, mean over seeds)",
        "",
        _table(["sampler", "remedy", *classes], recall_rows),
        "",
    ]
    reproduction = _reproduction_rows(cells, instrument)
    if reproduction:
        lines += [
            "## Reproduction of the instrument",
            "",
            'The "full" remedy replayed through the cache and '
            "`OversampledClassifier`, beside the instrument's own cell.",
            "",
            _table(["sampler", "seed", "ablation", "instrument"], reproduction),
            "",
        ]
    path = output_dir / "report.md"
    path.write_text("\n".join(lines))
    return path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument(
        "--remedies",
        nargs="+",
        default=[remedy for remedy in REMEDIES if remedy != "full"],
        help="the remedies to train; 'full' replays the instrument's cell",
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=list(EXPERIMENT.seeds))
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    parser.add_argument("--data-home", default=None)
    parser.add_argument(
        "--fit-only", action="store_true", help="fit and cache the samplers only"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="write report.md and stop"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    unknown = set(args.remedies) - set(REMEDIES)
    if unknown:
        raise SystemExit(f"unknown remedies {sorted(unknown)}; known: {list(REMEDIES)}")
    if args.report_only:
        print(write_report(args.output_dir))
        return 0
    run(
        args.methods,
        args.remedies,
        args.seeds,
        args.output_dir,
        args.data_home or str(default_data_home()),
        args.fit_only,
    )
    print(write_report(args.output_dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
