"""Markdown tables, a CSV and PNG figures from a run folder's cell results.

``write_report(output_dir)`` reads ``<output_dir>/cells/*.json`` and writes
``report.md``, ``results.csv`` and ``figures/*.png``. Numbers are means ± sample
standard deviations over the seeds each row has (the ``n`` column); every
table is followed by a caption naming the data, profile, seeds, epochs,
package versions and machine. Figures from the seed documents stand in their
own rows, marked "published"; they are the only numbers written here by hand.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import ast
import csv
import json
import math
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from _protocols import decode_samples
from configs import (
    AUGMENTED_SMALLCNN,
    LOSS_SIDE_METHODS,
    SAMPLER_VARIANTS,
    available_methods,
)
from scipy import stats

# --------------------------------------------------------------------------
# Published figures (shared/DESIGN.md, "Figures from the seeds"); percent.
# --------------------------------------------------------------------------

#: DeepSMOTE (Dablain et al.), Fashion-MNIST imbalance ratio 100, ResNet-18,
#: balanced test set: ACSA (= balanced accuracy), G-mean, macro-F1.
PUBLISHED_DEEPSMOTE = {
    "BAGAN": {"balanced_accuracy": 81.48, "geometric_mean": 89.31, "macro_f1": 80.93},
    "GAMO": {"balanced_accuracy": 83.03, "geometric_mean": 90.26, "macro_f1": 82.50},
    "SMOTE (pixels)": {
        "balanced_accuracy": 70.58,
        "geometric_mean": 76.39,
        "macro_f1": 68.06,
    },
    "DeepSMOTE": {
        "balanced_accuracy": 83.63,
        "geometric_mean": 90.61,
        "macro_f1": 83.27,
    },
}

#: SCDL-GAN course report, SmallCNN on imbalanced Fashion-MNIST, test accuracy.
PUBLISHED_SCDL_ACCURACY = {
    "no resampling": 73.05,
    "SCDL-GAN (balanced to 4500 per class)": 78.52,
}

#: SCDL-GAN course report, generated-sample recognisability on Fashion-MNIST.
PUBLISHED_SCDL_RECOGNISABILITY = {
    "SCDL-GAN": (77, 78, 85, 96),
    "WAE-GAN": (65, 63, 83, 81),
    "BAGAN": (74, 75, 83, 92),
    "GAMO": (72, 67, 82, 96),
}

#: The package's headline target (issue 6): SmallCNN balanced accuracy, %.
HEADLINE_TARGET = 86.0

SCORE_COLUMNS = (
    ("balanced_accuracy", "balanced acc."),
    ("geometric_mean", "G-mean"),
    ("macro_f1", "macro-F1"),
    ("accuracy", "accuracy"),
    ("precision_largest", "precision largest"),
    ("recall_smallest", "recall smallest"),
)

CHEAP_MODEL = "LogisticRegression"
LOSSY = "lossy JPEG copy"


# --------------------------------------------------------------------------
# Loading and aggregation
# --------------------------------------------------------------------------


def load_cells(output_dir: str | os.PathLike[str]) -> tuple[list[dict], list[dict]]:
    """The finished cells and the error records of a run folder."""
    folder = Path(output_dir) / "cells"
    done, errors = [], []
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text())
        if path.name.endswith(".error.json"):
            errors.append(record)
        elif record.get("status") == "ok":
            done.append(record)
    return done, errors


def _method_order(methods: set[str]) -> list[str]:
    known = available_methods()
    return [m for m in known if m in methods] + sorted(methods - set(known))


def _get(record: dict | None, *path: str) -> Any:
    for key in path:
        if record is None:
            return None
        record = record.get(key)
    return record


def _values(cells: list[dict], *path: str) -> list[float]:
    values = [_get(cell, *path) for cell in cells]
    return [float(v) for v in values if v is not None]


def _mean_std(values: list[float], scale: float = 1.0, digits: int = 1) -> str:
    """``mean ± std`` (sample std over seeds); just the mean for one value."""
    if not values:
        return "—"
    values = [v * scale for v in values]
    mean = float(np.mean(values))
    if len(values) == 1:
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {float(np.std(values, ddof=1)):.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _is_gamo_fashion(cell: dict) -> bool:
    """Whether published Fashion-MNIST [4000 ... 40] figures apply."""
    dataset = cell["settings"]["dataset"]
    return (
        dataset["source"] == "fashion_mnist"
        and dataset["profile"] == "gamo"
        and dataset["scale"] == 1.0
        and dataset["test_per_class"] is None
    )


def _cnn_budget(cnn_epochs: int, cnn_params: dict | None) -> str:
    """SmallCNN's training budget in words: epochs, or steps and schedule."""
    params = cnn_params or {}
    if "n_steps" in params:
        schedule = params.get("lr_schedule")
        return f"{params['n_steps']} steps" + (
            f", {schedule} decay" if schedule else ""
        )
    return f"{cnn_epochs} epochs"


def _caption(cells: list[dict]) -> str:
    """Data, profile, seeds, epochs, versions and machine of a dataset's cells."""
    first = cells[0]
    seeds = sorted({cell["seed"] for cell in cells})
    # A step budget in cnn_params replaces the epochs.
    cnn_budgets = sorted(
        {
            _cnn_budget(
                cell["settings"]["cnn_epochs"], cell["settings"].get("cnn_params")
            )
            for cell in cells
        }
    )
    sampler_epochs = {}
    for cell in cells:
        params = cell["settings"]["sampler_params"]
        parts = [
            f"{name.replace('_epochs', '')} {ast.literal_eval(params[name])}"
            for name in ("ae_epochs", "gan_epochs", "n_critic")
            if name in params
        ]
        if parts:
            sampler_epochs[cell["method"]] = ", ".join(parts)
    versions = {
        ", ".join(f"{k} {v}" for k, v in cell["environment"]["versions"].items())
        for cell in cells
    }
    machines = set()
    for cell in cells:
        env = cell["environment"]
        machine = env["machine"]
        gpu = f"GPU {machine['gpu']}" if machine["gpu"] else "no GPU"
        machines.add(
            f"{machine['cores']} cores, {machine['cpu']}, {gpu}, "
            f"{env['torch_threads']} torch threads per cell"
        )
    counts = ", ".join(str(n) for n in first["train_counts"].values())
    epochs = "; ".join(f"{m}: {e}" for m, e in sampler_epochs.items())
    return (
        f"*Data: {first['dataset_description']}. Training counts per class "
        f"(seed {first['seed']}): [{counts}]; test counts: "
        f"{sum(first['test_counts'].values())} images. Seeds: "
        f"{', '.join(map(str, seeds))} (n = seeds a row averages; ± is the "
        f"sample standard deviation). SmallCNN: "
        f"{', '.join(cnn_budgets)}. Sampler epochs: {epochs or '—'}. "
        f"Versions: {' / '.join(sorted(versions))}. Machine: "
        f"{' / '.join(sorted(machines))}.*"
    )


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------


def _downstream_table(by_method: dict[str, list[dict]], model: str, published: bool):
    header = ["method", "n"] + [label for _, label in SCORE_COLUMNS]
    rows = []
    for method, cells in by_method.items():
        rows.append(
            [method, str(len(cells))]
            + [
                _mean_std(_values(cells, "downstream", model, name), 100)
                for name, _ in SCORE_COLUMNS
            ]
        )
    if published and model == "SmallCNN":
        for name, scores in PUBLISHED_DEEPSMOTE.items():
            rows.append(
                [f"*published: DeepSMOTE paper, {name}, ResNet-18*", "—"]
                + [
                    f"*{scores[key]:.2f}*" if key in scores else "—"
                    for key, _ in SCORE_COLUMNS
                ]
            )
        for name, accuracy in PUBLISHED_SCDL_ACCURACY.items():
            rows.append(
                [f"*published: SCDL-GAN report, {name}, SmallCNN*", "—"]
                + [
                    f"*{accuracy:.2f}*" if key == "accuracy" else "—"
                    for key, _ in SCORE_COLUMNS
                ]
            )
    return _table(header, rows)


def _recall_table(by_method: dict[str, list[dict]], classes: list) -> str:
    header = ["method"] + [str(c) for c in classes]
    rows = [
        [method]
        + [
            _mean_std(
                _values(cells, "downstream", "SmallCNN", "per_class_recall", str(c)),
                100,
            )
            for c in classes
        ]
        for method, cells in by_method.items()
    ]
    return _table(header, rows)


def _recognisability_table(scored: dict[str, list[dict]], published: bool) -> str:
    header = [
        "method",
        "n",
        "accuracy",
        "macro-F1",
        "precision largest",
        "recall smallest",
        "classes generated",
        "reference test bal. acc.",
    ]
    rows = []
    for method, cells in scored.items():
        generated = {len(cell["generated_classes"] or []) for cell in cells}
        missing = sorted({m for cell in cells for m in cell["missing_classes"] or []})
        rows.append(
            [method, str(len(cells))]
            + [
                _mean_std(_values(cells, "recognisability", key), 100)
                for key in (
                    "accuracy",
                    "macro_f1",
                    "precision_largest",
                    "recall_smallest",
                )
            ]
            + [
                "/".join(map(str, sorted(generated)))
                + (f" (not: {missing})" if missing else ""),
                _mean_std(
                    _values(
                        cells, "recognisability", "reference_test_balanced_accuracy"
                    ),
                    100,
                ),
            ]
        )
    if published:
        for name, values in PUBLISHED_SCDL_RECOGNISABILITY.items():
            rows.append(
                [f"*published: SCDL-GAN report, {name}*", "—"]
                + [f"*{v:.0f}*" for v in values]
                + ["—", "—"]
            )
    return _table(header, rows)


def _frechet_table(scored: dict[str, list[dict]], classes: list) -> str:
    header = ["method", "n", "mean over classes"] + [str(c) for c in classes]
    rows = [
        [method, str(len(cells)), _mean_std(_values(cells, "frechet", "mean"))]
        + [
            _mean_std(_values(cells, "frechet", "per_class", str(c)), digits=1)
            for c in classes
        ]
        for method, cells in scored.items()
    ]
    return _table(header, rows)


def _machine_name(cell: dict) -> str:
    machine = cell["environment"]["machine"]
    gpu = f", GPU {machine['gpu']}" if machine["gpu"] else ""
    return f"{machine['cpu']}{gpu}"


def _group(cells: list[dict], key: Callable[[dict], str]) -> dict[str, list[dict]]:
    """Cells by ``key(cell)``, each group in the cells' order."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for cell in cells:
        groups[key(cell)].append(cell)
    return dict(groups)


def _by_machine(cells: list[dict]) -> dict[str, list[dict]]:
    return dict(sorted(_group(cells, _machine_name).items()))


def _cost_table(by_method: dict[str, list[dict]]) -> str:
    """Cost per method; one row per machine when the cells ran on several.

    Timings of different machines are never averaged together, and the
    ratio to SMOTE uses SMOTE's time on the same machine.
    """
    several_machines = (
        len({_machine_name(c) for cells in by_method.values() for c in cells}) > 1
    )
    smote_seconds = {
        machine: _values(cells, "cost", "fit_seconds")
        for machine, cells in _by_machine(by_method.get("SMOTE", [])).items()
    }
    any_gpu = any(
        _get(cell, "cost", "gpu_peak_mb") is not None
        for cells in by_method.values()
        for cell in cells
    )
    header = ["method"] + (["machine"] if several_machines else [])
    header += [
        "n",
        "fit_resample time (s)",
        "× SMOTE",
        "peak RSS increase (MiB)",
        "peak RSS (MiB)",
    ]
    header += ["GPU peak (MiB)"] if any_gpu else []
    header += ["whole cell (s)"]
    rows = []
    for method, method_cells in by_method.items():
        for machine, cells in _by_machine(method_cells).items():
            row = [method] + ([machine] if several_machines else [])
            rows.append(row + _cost_row(cells, smote_seconds.get(machine), any_gpu))
    return _table(header, rows)


def _cost_row(cells: list[dict], smote: list[float] | None, gpu: bool) -> list[str]:
    """The cost columns of cells that ran on one machine beside SMOTE's time."""
    fit = _values(cells, "cost", "fit_seconds")
    ratio = (
        f"{np.mean(fit) / np.mean(smote):.1f}"
        if fit and smote and np.mean(smote) > 0
        else "—"
    )
    row = [
        str(len(cells)),
        _mean_std(fit, digits=2) if fit else "— (no resampling)",
        ratio,
        _mean_std(_values(cells, "cost", "peak_rss_delta_mb"), digits=0),
        _mean_std(_values(cells, "cost", "peak_rss_mb"), digits=0),
    ]
    if gpu:
        row.append(_mean_std(_values(cells, "cost", "gpu_peak_mb"), digits=0))
    return row + [_mean_std(_values(cells, "cell_seconds"), digits=0)]


def _scores_by_seed(cells: list[dict], model: str = "SmallCNN") -> dict[int, float]:
    """``model``'s balanced accuracy (points) of each seed's cell."""
    return {
        cell["seed"]: 100 * value
        for cell in cells
        if (value := _get(cell, "downstream", model, "balanced_accuracy")) is not None
    }


#: The suffix of a pipeline whose SmallCNN trained on augmented images.
AUGMENT_SUFFIX = " + augment"


def _pipeline_scores(by_method: dict[str, list[dict]]) -> dict[str, dict[int, float]]:
    """SmallCNN balanced accuracy per seed of every pipeline.

    Each method with plain SmallCNN, and "<method> + augment" where its cells
    also trained SmallCNN on augmented images (issue #31's control).
    """
    pipelines = {}
    for method, cells in by_method.items():
        pipelines[method] = _scores_by_seed(cells)
        augmented = _scores_by_seed(cells, AUGMENTED_SMALLCNN)
        if augmented:
            pipelines[method + AUGMENT_SUFFIX] = augmented
    return pipelines


def _method_of(pipeline: str) -> str:
    return pipeline.removesuffix(AUGMENT_SUFFIX)


@dataclass(frozen=True)
class PairedDifference:
    """``a - b`` over the seeds both ran: mean, std and a 95% t-interval.

    The seeds pair the cells: the same imbalanced subset, test set and
    classifier initialisation, so the seed-to-seed variation common to both
    methods cancels out of the difference.
    """

    mean: float
    std: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, a: dict[int, float], b: dict[int, float]) -> PairedDifference | None:
        seeds = sorted(a.keys() & b.keys())
        if not seeds:
            return None
        differences = np.array([a[seed] - b[seed] for seed in seeds])
        mean = float(differences.mean())
        if len(seeds) < 2:
            return cls(mean, math.nan, math.nan, math.nan, 1)
        std = float(differences.std(ddof=1))
        half = float(stats.t.ppf(0.975, len(seeds) - 1)) * std / math.sqrt(len(seeds))
        return cls(mean, std, mean - half, mean + half, len(seeds))

    @property
    def verdict(self) -> str:
        if self.n < 2:
            return "one seed: no interval"
        if self.low > 0:
            return "above"
        if self.high < 0:
            return "below"
        return "no difference"

    def __str__(self) -> str:
        if self.n < 2:
            return f"{self.mean:+.1f} (1 seed)"
        return (
            f"{self.mean:+.1f} [{self.low:+.1f}, {self.high:+.1f}] "
            f"({self.verdict}, n = {self.n})"
        )


def _best(by_seed: dict[str, dict[int, float]], methods) -> str | None:
    """The method of ``methods`` with the highest mean score, if any ran.

    Only methods run with the most seeds compete: a one-seed mean is not
    comparable with a five-seed one.
    """
    ran = [m for m in methods if by_seed.get(m)]
    if not ran:
        return None
    most = max(len(by_seed[m]) for m in ran)
    return max(
        (m for m in ran if len(by_seed[m]) == most),
        key=lambda m: float(np.mean(list(by_seed[m].values()))),
    )


def _reference_methods(
    by_seed: dict[str, dict[int, float]], is_gan: dict[str, bool]
) -> dict[str, str]:
    """The baselines every pipeline is compared with, by their report label."""
    references = {"no resampling": "none", "class weights": "class_weight"}
    best_loss_side = _best(
        by_seed, [p for p in by_seed if _method_of(p) in LOSS_SIDE_METHODS]
    )
    if best_loss_side not in (None, "class_weight"):
        references["best loss-side"] = best_loss_side
    best_without_gan = _best(by_seed, [p for p in by_seed if not is_gan[p]])
    if best_without_gan not in references.values():
        references["best without a deep sampler"] = best_without_gan
    return {label: m for label, m in references.items() if by_seed.get(m)}


def _is_gan_pipeline(by_method: dict[str, list[dict]], by_seed) -> dict[str, bool]:
    return {p: by_method[_method_of(p)][0]["is_gan"] for p in by_seed}


def _headline(by_method: dict[str, list[dict]], with_target: bool = False) -> str:
    """The best pipeline overall, without and with a deep sampler (a GAN or
    DeepSMOTE), and the best oversampler and loss-side baseline, with the
    paired differences that decide whether a deep sampler pays off.

    Pipelines are the methods with plain SmallCNN and, where the cells have
    it, with augmented SmallCNN; only those run with the most seeds compete.
    ``with_target`` adds the package's target for the best GAN sampler (set
    for Fashion-MNIST ``[4000, ..., 40]``, where the target was set).
    """
    by_seed = _pipeline_scores(by_method)
    is_gan = _is_gan_pipeline(by_method, by_seed)
    best = {
        "pipeline overall": _best(by_seed, list(by_seed)),
        "pipeline without a deep sampler": _best(
            by_seed, [p for p in by_seed if not is_gan[p]]
        ),
        "pipeline with a deep sampler (GAN or DeepSMOTE)": _best(
            by_seed, [p for p in by_seed if is_gan[p]]
        ),
        "oversampler": _best(
            by_seed,
            [
                p
                for p in by_seed
                if _method_of(p) != "none" and _method_of(p) not in LOSS_SIDE_METHODS
            ],
        ),
        "loss-side baseline": _best(
            by_seed, [p for p in by_seed if _method_of(p) in LOSS_SIDE_METHODS]
        ),
    }
    lines = []
    for label, pipeline in best.items():
        if pipeline is not None:
            scores = list(by_seed[pipeline].values())
            lines.append(
                f"- Best {label}: **{pipeline}** {_mean_std(scores)} "
                f"(n = {len(scores)})."
            )
    compared = set()
    for a, b in (
        (
            "pipeline with a deep sampler (GAN or DeepSMOTE)",
            "pipeline without a deep sampler",
        ),
        ("oversampler", "loss-side baseline"),
    ):
        pair = (best[a], best[b])
        if best[a] and best[b] and best[a] != best[b] and pair not in compared:
            compared.add(pair)
            paired = PairedDifference.of(by_seed[best[a]], by_seed[best[b]])
            if paired is not None:
                lines.append(
                    f"- {best[a]} − {best[b]}, paired by seed: {paired} points."
                )
    best_gan = best["pipeline with a deep sampler (GAN or DeepSMOTE)"]
    if best_gan and with_target:
        mean = float(np.mean(list(by_seed[best_gan].values())))
        target = "met" if mean >= HEADLINE_TARGET else "not met"
        lines.append(
            f"- Best deep-sampler pipeline: {best_gan} {mean:.1f}; the package's "
            f"target ≥ {HEADLINE_TARGET:.0f}: {target}."
        )
    return "\n".join(lines)


def _paired_table(by_method: dict[str, list[dict]]) -> str:
    """Every pipeline minus each reference baseline, paired by seed."""
    by_seed = _pipeline_scores(by_method)
    references = _reference_methods(by_seed, _is_gan_pipeline(by_method, by_seed))
    if not references:
        return ""
    rows = []
    for pipeline in sorted(by_seed, key=lambda p: p.endswith(AUGMENT_SUFFIX)):
        cells = []
        for reference in references.values():
            paired = None
            if pipeline != reference:
                paired = PairedDifference.of(by_seed[pipeline], by_seed[reference])
            cells.append("—" if paired is None else str(paired))
        rows.append([pipeline, *cells])
    header = ["pipeline", *(f"− {label} ({m})" for label, m in references.items())]
    return _table(header, rows)


def _augmentation_table(by_method: dict[str, list[dict]]) -> str:
    """Each method with augmented minus plain SmallCNN, paired by seed."""
    rows = []
    for method, cells in by_method.items():
        plain = _scores_by_seed(cells)
        augmented = _scores_by_seed(cells, AUGMENTED_SMALLCNN)
        paired = PairedDifference.of(augmented, plain)
        if paired is None:
            continue
        rows.append(
            [
                method,
                _mean_std(list(plain.values())),
                _mean_std(list(augmented.values())),
                str(paired),
            ]
        )
    if not rows:
        return ""
    header = ["method", "plain SmallCNN", "augmented SmallCNN", "augmented − plain"]
    return _table(header, rows)


def _variants_table(by_method: dict[str, list[dict]]) -> str:
    """Each sampler variant minus its sampler, plain and augmented, paired."""
    rows = []
    for variant, (sampler, params) in SAMPLER_VARIANTS.items():
        if variant not in by_method or sampler not in by_method:
            continue
        differences = [
            PairedDifference.of(
                _scores_by_seed(by_method[variant], model),
                _scores_by_seed(by_method[sampler], model),
            )
            for model in ("SmallCNN", AUGMENTED_SMALLCNN)
        ]
        settings = ", ".join(f"{name}={value!r}" for name, value in params.items())
        rows.append(
            [variant, f"{sampler}({settings})"]
            + [str(d) if d is not None else "—" for d in differences]
        )
    if not rows:
        return ""
    header = ["variant", "is", "− its sampler, plain", "− its sampler, + augment"]
    return _table(header, rows)


#: Protocol (e)'s columns: label, then the key of the cell's per-class table
#: and the key it is divided by (None: shown as it is). The image statistics
#: exist for images only.
DIAGNOSTIC_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("precision", "precision", None),
    ("recall", "recall", None),
    ("density", "density", None),
    ("coverage", "coverage", None),
    ("C2ST features", "c2st_accuracy", None),
    ("C2ST pixels", "c2st_pixels_accuracy", None),
    ("sharpness gen./real", "generated_gradient_energy", "real_gradient_energy"),
    ("brightness gen./real", "generated_brightness", "real_brightness"),
    (
        "nearest-train distance gen./test",
        "nearest_train_distance_median",
        "test_nearest_train_distance_median",
    ),
)


def _diagnostic_values(cell: dict, label: str, classes: list | None) -> float | None:
    """A cell's protocol (e) value of one column, averaged over ``classes``
    (None: every generated class); None if the cell has none of them."""
    table = _get(cell, "diagnostics", "per_class")
    _, key, divisor = next(
        column for column in DIAGNOSTIC_COLUMNS if column[0] == label
    )
    if table is None or key not in table or (divisor and divisor not in table):
        return None
    rows = [i for i, c in enumerate(table["class"]) if classes is None or c in classes]
    if not rows:
        return None
    values = np.asarray(table[key], dtype=float)[rows]
    if divisor:
        values = values / np.asarray(table[divisor], dtype=float)[rows]
    return float(values.mean())


def _diagnostic_series(
    cells: list[dict], label: str, classes: list | None
) -> list[float]:
    """:func:`_diagnostic_values` of every cell that has them (one per seed)."""
    return [
        v
        for cell in cells
        if (v := _diagnostic_values(cell, label, classes)) is not None
    ]


def _diagnostics_table(scored: dict[str, list[dict]], classes: list | None) -> str:
    header = ["method", "n", *(label for label, _, _ in DIAGNOSTIC_COLUMNS)]
    rows = []
    for method, cells in scored.items():
        rows.append(
            [method, str(len(cells))]
            + [
                _mean_std(_diagnostic_series(cells, label, classes), digits=2)
                for label, _, _ in DIAGNOSTIC_COLUMNS
            ]
        )
    return _table(header, rows)


#: Protocol (e)'s columns shown class by class: what a sampler lacks for
#: which class (diversity, fidelity, novelty).
PER_CLASS_DIAGNOSTICS = (
    "coverage",
    "C2ST features",
    "nearest-train distance gen./test",
)


def _per_class_diagnostic_table(
    scored: dict[str, list[dict]], classes: list, label: str
) -> str:
    """One protocol (e) column per class: mean over the seeds of each method."""
    header = ["method", *(str(c) for c in classes)]
    rows = []
    for method, cells in scored.items():
        row = [method]
        for c in classes:
            values = _diagnostic_series(cells, label, [c])
            row.append(f"{np.mean(values):.2f}" if values else "—")
        rows.append(row)
    return _table(header, rows)


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _recall_figure(by_method, classes, title, path: Path) -> None:
    plt = _pyplot()
    methods = list(by_method)
    width = 0.8 / max(1, len(methods))
    figure, axis = plt.subplots(figsize=(max(8, 1.1 * len(classes) + 2), 4.5))
    x = np.arange(len(classes))
    for index, method in enumerate(methods):
        means = [
            np.mean(
                _values(
                    by_method[method],
                    "downstream",
                    "SmallCNN",
                    "per_class_recall",
                    str(c),
                )
                or [np.nan]
            )
            for c in classes
        ]
        axis.bar(
            x + (index - (len(methods) - 1) / 2) * width, means, width, label=method
        )
    axis.set_xticks(x, [str(c) for c in classes])
    axis.set_xlabel("class (sorted by label; see the training counts in the caption)")
    axis.set_ylabel("recall on the test set")
    axis.set_ylim(0, 1.05)
    axis.set_title(title)
    axis.legend(fontsize=7, ncol=2, loc="lower left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _samples_figure(by_method, classes, image_shape, title, path: Path) -> bool:
    shown = {
        method: min(cells, key=lambda c: c["seed"])["samples"]
        for method, cells in by_method.items()
        if any(cell["samples"] for cell in cells)
    }
    if not shown or image_shape is None:
        return False
    plt = _pyplot()
    height, width = image_shape[:2]
    channels = image_shape[2] if len(image_shape) == 3 else 1
    # At most 6 rows per method keep the figure readable; the cells keep more.
    n_show = min(
        6,
        max(
            (
                decode_samples(blob).shape[0]
                for samples in shown.values()
                for blob in samples.values()
            ),
            default=1,
        ),
    )
    figure, axes = plt.subplots(
        len(shown),
        1,
        squeeze=False,
        figsize=(0.45 * len(classes) + 1.5, (0.45 * n_show + 0.5) * len(shown)),
    )
    for axis, (method, samples) in zip(axes[:, 0], shown.items(), strict=True):
        mosaic = _mosaic(samples, classes, n_show, (height, width, channels))
        axis.imshow(
            mosaic[..., 0] if channels == 1 else mosaic,
            cmap="gray" if channels == 1 else None,
            interpolation="nearest",
        )
        axis.set_title(
            f"{method} (columns: classes {classes[0]}..{classes[-1]})", fontsize=9
        )
        axis.axis("off")
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def _mosaic(
    samples: dict[str, dict], classes: list, n_show: int, shape: tuple[int, int, int]
) -> np.ndarray:
    """One column per class, ``n_show`` samples downwards.

    A class without samples (the majority for SMOTE, a class GAMO cannot
    generate) stays blank.
    """
    height, width, channels = shape
    mosaic = np.zeros((n_show * height, len(classes) * width, channels), np.uint8)
    for col, label in enumerate(classes):
        blob = samples.get(str(label))
        if blob is None:
            continue
        images = decode_samples(blob).reshape(-1, height, width, channels)
        for row, image in enumerate(images[:n_show]):
            mosaic[
                row * height : (row + 1) * height, col * width : (col + 1) * width
            ] = image
    return mosaic


def _confusion_figure(scored, classes, title, path: Path) -> bool:
    matrices = {}
    for method, cells in scored.items():
        stack = [
            np.asarray(cell["recognisability"]["confusion_matrix"], dtype=float)
            for cell in cells
            if cell["recognisability"]
        ]
        if stack:
            total = np.sum(stack, axis=0)
            rows = total.sum(axis=1, keepdims=True)
            matrices[method] = np.divide(
                total, rows, where=rows > 0, out=np.zeros_like(total)
            )
    if not matrices:
        return False
    plt = _pyplot()
    n = len(matrices)
    n_cols = min(3, n)
    n_rows = math.ceil(n / n_cols)
    figure, axes = plt.subplots(
        n_rows, n_cols, squeeze=False, figsize=(4 * n_cols, 3.8 * n_rows)
    )
    for axis in axes.flat[n:]:
        axis.axis("off")
    for axis, (method, matrix) in zip(axes.flat, matrices.items(), strict=False):
        axis.imshow(matrix, vmin=0, vmax=1, cmap="Blues")
        axis.set_title(method, fontsize=9)
        axis.set_xticks(range(len(classes)), [str(c) for c in classes], fontsize=7)
        axis.set_yticks(range(len(classes)), [str(c) for c in classes], fontsize=7)
        axis.set_xlabel("label given by the reference classifier", fontsize=8)
        axis.set_ylabel("intended class", fontsize=8)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------


def _write_csv(cells: list[dict], path: Path) -> None:
    fields = [
        "dataset",
        "method",
        "seed",
        "model",
        *(name for name, _ in SCORE_COLUMNS),
        "fit_seconds",
        "peak_rss_delta_mb",
        "peak_rss_mb",
        "recognisability_accuracy",
        "recognisability_macro_f1",
        "frechet_mean",
        *(f"diagnostics_{label}" for label, _, _ in DIAGNOSTIC_COLUMNS),
        "settings_hash",
    ]
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for cell in cells:
            for model, scores in cell["downstream"].items():
                writer.writerow(
                    {
                        "dataset": cell["dataset"],
                        "method": cell["method"],
                        "seed": cell["seed"],
                        "model": model,
                        **{name: scores.get(name) for name, _ in SCORE_COLUMNS},
                        "fit_seconds": cell["cost"]["fit_seconds"],
                        "peak_rss_delta_mb": cell["cost"]["peak_rss_delta_mb"],
                        "peak_rss_mb": cell["cost"]["peak_rss_mb"],
                        "recognisability_accuracy": _get(
                            cell, "recognisability", "accuracy"
                        ),
                        "recognisability_macro_f1": _get(
                            cell, "recognisability", "macro_f1"
                        ),
                        "frechet_mean": _get(cell, "frechet", "mean"),
                        **{
                            f"diagnostics_{label}": _diagnostic_values(
                                cell, label, None
                            )
                            for label, _, _ in DIAGNOSTIC_COLUMNS
                        },
                        "settings_hash": cell["settings_hash"],
                    }
                )


def _by_dataset(cells: list[dict], run_config: dict) -> dict[str, list[dict]]:
    """Cells grouped by dataset, in the order the run's configuration lists
    them (its headline dataset first), then any others by name."""
    configured = [key.split("__")[0] for key in run_config.get("cells", [])]
    groups = _group(cells, lambda cell: cell["dataset"])
    order = {name: configured.index(name) for name in groups if name in configured}
    return dict(
        sorted(
            groups.items(),
            key=lambda item: (order.get(item[0], len(configured)), item[0]),
        )
    )


def write_report(output_dir: str | os.PathLike[str]) -> Path:
    """Write ``report.md``, ``results.csv`` and ``figures/`` for a run folder.

    Returns
    -------
    path : Path
        The Markdown report.
    """
    output_dir = Path(output_dir)
    cells, errors = load_cells(output_dir)
    figures = output_dir / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    run_config = _read_run_config(output_dir)
    out = _introduction(len(cells), output_dir, run_config) + _failed_cells(errors)
    for dataset, dataset_cells in _by_dataset(cells, run_config).items():
        out += _dataset_section(_DatasetSection.of(dataset, dataset_cells, figures))
    _write_csv(cells, output_dir / "results.csv")
    report = output_dir / "report.md"
    report.write_text("\n".join(out) + "\n")
    return report


def _read_run_config(output_dir: Path) -> dict[str, Any]:
    path = output_dir / "run_config.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _introduction(
    n_cells: int, output_dir: Path, run_config: dict[str, Any]
) -> list[str]:
    """The report's title, its run's configuration and how to read the numbers."""
    out = [
        "# skgan_sampler benchmark report",
        "",
        f"Generated {time.strftime('%Y-%m-%d %H:%M')} from {n_cells} finished "
        f"cells in `{output_dir}` (machine-readable: `results.csv` and "
        "`cells/*.json`).",
    ]
    if run_config:
        out += _configuration(run_config)
    return out + [
        "",
        "Scores are percentages on the held-out test set; largest / smallest "
        "class = the classes with the most / fewest *training* samples. "
        "Differences between single seeds mean little: compare methods by "
        "the paired intervals under each headline (mean ± standard deviation "
        "elsewhere is over the seeds in the n column). Rows in *italics "
        "marked published* are figures from the "
        "papers and reports the package follows (other networks, other runs), "
        "shown for orientation, not measured here.",
    ]


def _configuration(run_config: dict[str, Any]) -> list[str]:
    """The configuration's notes, the command's overrides and the command."""
    out = [
        "",
        f"Configuration `{run_config.get('config')}`: " + run_config.get("notes", ""),
    ]
    overrides = run_config.get("overrides")
    if overrides:
        out += [
            "",
            "The last command replaced the configuration's "
            + "; ".join(f"{name}: {value}" for name, value in overrides.items())
            + ". The n column of each table counts the seeds actually run.",
        ]
    return out + ["", f"Command: `{run_config.get('command', '')}`"]


def _failed_cells(errors: list[dict]) -> list[str]:
    if not errors:
        return []
    out = ["", "**Failed cells** (retried on the next run):", ""]
    return out + [f"- `{e['key']}`: {e['error']}" for e in errors]


@dataclass(frozen=True)
class _DatasetSection:
    """What the tables and figures of one dataset's section share."""

    dataset: str
    cells: list[dict]
    by_method: dict[str, list[dict]]
    figures: Path
    caption: str

    @classmethod
    def of(cls, dataset: str, cells: list[dict], figures: Path) -> _DatasetSection:
        grouped = _group(cells, lambda cell: cell["method"])
        by_method = {m: grouped[m] for m in _method_order(set(grouped))}
        return cls(dataset, cells, by_method, figures, _caption(cells))

    @property
    def first(self) -> dict:
        return self.cells[0]

    @property
    def scored(self) -> dict[str, list[dict]]:
        """The methods whose added samples protocols (b), (c) and (e) scored."""
        return {
            m: [cell for cell in cells if cell.get("recognisability")]
            for m, cells in self.by_method.items()
            if any(cell.get("recognisability") for cell in cells)
        }

    @property
    def augmented(self) -> bool:
        """Whether any cell trained SmallCNN on augmented images too."""
        return any(AUGMENTED_SMALLCNN in cell["downstream"] for cell in self.cells)

    @property
    def classes(self) -> list:
        return self.first["classes"]

    @property
    def published(self) -> bool:
        """Whether published figures apply (Fashion-MNIST [4000 ... 40])."""
        return _is_gamo_fashion(self.first)

    @property
    def title(self) -> str:
        """The dataset's name, labelled when its data is a lossy copy."""
        return self.dataset + (f" ({LOSSY})" if self.first["lossy_copy"] else "")

    def figure(self, kind: str) -> Path:
        return self.figures / f"{self.dataset}_{kind}.png"


def _dataset_section(section: _DatasetSection) -> list[str]:
    """One dataset's headline, protocols (a)-(c), cost and sample grid."""
    out = ["", f"## {section.title}", "", section.first["dataset_description"], ""]
    out += _headline_section(section)
    out += _smallcnn_section(section)
    if section.augmented:
        out += _augmentation_section(section)
    out += _variants_section(section)
    out += _cheap_model_section(section)
    if section.scored:
        out += _recognisability_section(section)
        out += _frechet_section(section)
    if any(_get(c, "diagnostics") for cells in section.scored.values() for c in cells):
        out += _diagnostics_section(section)
    out += _cost_section(section)
    return out + _samples_section(section)


def _headline_section(section: _DatasetSection) -> list[str]:
    headline = _headline(section.by_method, with_target=section.published)
    paired = _paired_table(section.by_method)
    out = ["### Headline", "", headline, ""] if headline else []
    if paired:
        out += [
            "SmallCNN balanced accuracy of each pipeline minus a baseline's, in "
            "points, paired by seed (same imbalanced subset, test set and "
            "initialisation): mean [95% t-interval]. An interval that contains "
            '0 is "no difference". "+ augment": SmallCNN trained on randomly '
            "shifted (and, where it keeps the label, flipped) images.",
            "",
            paired,
            "",
        ]
    return out


def _smallcnn_section(section: _DatasetSection) -> list[str]:
    """Protocol (a) for SmallCNN: scores, per-class recall and its figure."""
    recall_png = section.figure("recall")
    _recall_figure(
        section.by_method,
        section.classes,
        f"{section.title}: SmallCNN per-class recall",
        recall_png,
    )
    return [
        "### Protocol (a): downstream SmallCNN",
        "",
        _downstream_table(section.by_method, "SmallCNN", section.published),
        "",
        section.caption,
        "",
        "Per-class recall of SmallCNN (%):",
        "",
        _recall_table(section.by_method, section.classes),
        "",
        section.caption,
        "",
        f"![per-class recall](figures/{recall_png.name})",
        "",
    ]


def _augmentation_section(section: _DatasetSection) -> list[str]:
    """The augmentation control (issue #31): scores and on - off, paired."""
    augment = sorted(
        {
            cell["downstream"][AUGMENTED_SMALLCNN]["augment"]
            for cell in section.cells
            if AUGMENTED_SMALLCNN in cell["downstream"]
        }
    )
    return [
        f"### Protocol (a): downstream SmallCNN with augmentation "
        f"(augment={', '.join(augment)})",
        "",
        "The same training sets as above, SmallCNN trained with random "
        "translations of up to 2 pixels (pad and crop) and, for "
        "`shift_flip`, random horizontal flips; every real and synthetic "
        "row of a batch alike, never at prediction. Balanced accuracy, then "
        "augmented minus plain, paired by seed:",
        "",
        _augmentation_table(section.by_method),
        "",
        _downstream_table(section.by_method, AUGMENTED_SMALLCNN, published=False),
        "",
        section.caption,
        "",
    ]


def _variants_section(section: _DatasetSection) -> list[str]:
    """What a variant's one parameter changes downstream, paired by seed."""
    table = _variants_table(section.by_method)
    if not table:
        return []
    return [
        "### Sampler variants against their sampler",
        "",
        "Each variant is a package sampler with one parameter changed; its "
        "SmallCNN balanced accuracy minus the sampler's with its defaults, "
        "paired by seed (same training set, same classifier initialisation):",
        "",
        table,
        "",
    ]


def _diagnostics_section(section: _DatasetSection) -> list[str]:
    """Protocol (e): fidelity and diversity of the added samples."""
    smallest = section.first["smallest_class"]
    return [
        "### Protocol (e): fidelity and diversity diagnostics",
        "",
        "Generated (or synthetic) samples of each class against the class's "
        "real test images: precision and recall (Kynkäänniemi et al. 2019, "
        "k = 3) and density and coverage (Naeem et al. 2020, k = 5) in the "
        "reference SmallCNN's penultimate features; the held-out accuracy of "
        "a logistic regression telling real from generated (C2ST, 0.5 = "
        "indistinguishable, 1 = always told apart) on those features and on "
        "pixels; generated / real ratios of gradient energy (sharpness) and "
        "mean brightness; and the median distance from a generated sample to "
        "its nearest real *training* image of the class divided by the same "
        "median for the real test images (well below 1: samples close to "
        "the few training images, i.e. copies or interpolations of them). "
        "See the diagnostics guide of the documentation. Mean over the "
        "generated classes, then mean ± std over seeds:",
        "",
        _diagnostics_table(section.scored, None),
        "",
        f"The smallest class only (class {smallest}, "
        f"{section.first['train_counts'][str(smallest)]} training images):",
        "",
        _diagnostics_table(section.scored, [smallest]),
        "",
        *(
            line
            for label in PER_CLASS_DIAGNOSTICS
            for line in (
                f"{label[0].upper()}{label[1:]} per class (mean over seeds; "
                "columns are classes):",
                "",
                _per_class_diagnostic_table(section.scored, section.classes, label),
                "",
            )
        ),
        section.caption,
        "",
    ]


def _cheap_model_section(section: _DatasetSection) -> list[str]:
    cheap_iter = section.first["settings"]["cheap_max_iter"]
    return [
        f"### Protocol (a): downstream cheap model (StandardScaler + "
        f"LogisticRegression, max_iter={cheap_iter})",
        "",
        _downstream_table(section.by_method, CHEAP_MODEL, published=False),
        "",
        section.caption
        + " *The cheap model stops after max_iter iterations (a screen, not a "
        "converged fit).*",
        "",
    ]


def _recognisability_section(section: _DatasetSection) -> list[str]:
    """Protocol (b): the table and the confusion matrices' figure."""
    out = [
        "### Protocol (b): recognisability of generated samples",
        "",
        "A reference SmallCNN trained on real, balanced training images "
        "labels the generated samples of every class.",
        "",
        _recognisability_table(section.scored, section.published),
        "",
        section.caption,
        "",
    ]
    confusion_png = section.figure("confusion")
    if _confusion_figure(
        section.scored,
        section.classes,
        f"{section.title}: protocol (b), row-normalised",
        confusion_png,
    ):
        out += [f"![confusion matrices](figures/{confusion_png.name})", ""]
    return out


def _frechet_section(section: _DatasetSection) -> list[str]:
    return [
        "### Protocol (c): per-class Fréchet distance (not Inception FID)",
        "",
        "Real test images vs generated images of each class, in the "
        "features of the reference SmallCNN (its 128-d penultimate "
        "layer). **Not Inception FID**: not comparable with published "
        "FIDs; lower is closer. With few test images per class the "
        "estimate is biased upwards.",
        "",
        _frechet_table(section.scored, section.classes),
        "",
        section.caption,
        "",
    ]


def _cost_section(section: _DatasetSection) -> list[str]:
    return [
        "### Cost of fit_resample",
        "",
        _cost_table(section.by_method),
        "",
        section.caption
        + " *Peak RSS is sampled from /proc/self/status during fit_resample; "
        "the increase is over the process's memory before the call.*",
        "",
    ]


def _samples_section(section: _DatasetSection) -> list[str]:
    samples_png = section.figure("samples")
    seed = min(cell["seed"] for cell in section.cells)
    if not _samples_figure(
        section.by_method,
        section.classes,
        section.first["image_shape"],
        f"{section.title}: generated / synthetic samples (seed {seed})",
        samples_png,
    ):
        return []
    return [
        "Generated samples (GAN samplers) and synthetic rows "
        "(imbalanced-learn samplers), one column per class:",
        "",
        f"![samples](figures/{samples_png.name})",
        "",
    ]
