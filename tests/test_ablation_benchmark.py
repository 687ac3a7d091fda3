"""benchmarks/ablation.py: the top-up of cached rows and the report."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import ablation  # noqa: E402

from skgan_sampler import TopUp  # noqa: E402


@pytest.mark.parametrize("fraction", [0.25, 0.5, 1.0])
def test_top_up_rows_keeps_what_top_up_asks_for(fraction):
    y_real = np.repeat(np.arange(4), [400, 100, 30, 8])
    y_synthetic = np.repeat(np.arange(1, 4), [300, 370, 392])
    X_synthetic = np.arange(len(y_synthetic), dtype=np.float32)[:, None]
    X_kept, y_kept = ablation.top_up_rows(X_synthetic, y_synthetic, y_real, fraction)
    targets = TopUp(fraction)(y_real)
    for label in range(4):
        n_real = int(np.sum(y_real == label))
        expected = targets.get(label, n_real) - n_real
        kept = X_kept[y_kept == label, 0]
        assert len(kept) == expected
        # The first rows of the class, in their order.
        np.testing.assert_array_equal(
            kept, X_synthetic[y_synthetic == label, 0][:expected]
        )


def _cell(method, remedy, seed, score):
    return {
        "method": method,
        "remedy": remedy,
        "seed": seed,
        "balanced_accuracy": score,
        "per_class_recall": {"0": score, "1": 1 - score},
        "cpu": "test CPU",
    }


def test_report_pairs_each_remedy_with_the_instruments_cell(tmp_path, monkeypatch):
    instrument = {
        "SMOTE": {
            seed: _cell("SMOTE", "full", seed, 0.80 + seed / 100) for seed in range(3)
        }
    }
    monkeypatch.setattr(ablation, "_instrument_cells", lambda: instrument)
    (tmp_path / "cells").mkdir()
    for seed in range(3):
        for remedy, score in (("full", 0.80), ("weight 0.5", 0.81)):
            cell = _cell("SMOTE", remedy, seed, score + seed / 100)
            ablation.cell_path(tmp_path, "SMOTE", remedy, seed).write_text(
                json.dumps(cell)
            )
    report = ablation.write_report(tmp_path).read_text()
    assert "| SMOTE | full | 81.0 ± 1.0 | — | — |" in report
    assert (
        "| SMOTE | weight 0.5 | 82.0 ± 1.0 | +1.0 [+1.0, +1.0] (above, n = 3)" in report
    )
    assert "| SMOTE | 2 | 82.00 | 82.00 |" in report
    assert "test CPU" in report
