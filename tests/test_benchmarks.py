"""Tests of the benchmark runner (benchmarks/) on tiny digits cells."""

# Authors: skgan_sampler developers
# License: MIT

import csv
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
# The benchmark modules are scripts beside each other, not a package; their
# folder is on the path when they run, so it is here too.
sys.path.insert(0, str(BENCHMARKS))

import _protocols  # noqa: E402
import _report  # noqa: E402
import configs  # noqa: E402
import run  # noqa: E402
from probes import draw_variants  # noqa: E402

# One-epoch everything: these tests check the runner, not the samplers.
TINY = configs.Experiment(
    dataset=configs.DatasetSpec(name="digits-tiny", source="digits", profile="digits"),
    seeds=(0,),
    methods=("none", "SMOTE", "BAGANSampler"),
    cnn_epochs=1,
    gan_params={"ae_epochs": 1, "gan_epochs": 1, "latent_dim": 4},
    n_generated_per_class=20,
    n_kept_per_class=3,
    reference_per_class=20,
    reference_epochs=1,
    cheap_max_iter=20,
)
TINY_CONFIG = configs.Config(name="tiny", experiments=(TINY,), notes="test run")


def _cells(methods=("none", "SMOTE", "BAGANSampler"), seeds=(0,), **kwargs):
    experiment = dataclasses.replace(TINY, methods=tuple(methods), seeds=tuple(seeds))
    config = configs.Config(name="tiny", experiments=(experiment,))
    # One torch thread everywhere: results then do not depend on how many
    # cells share the cores.
    return run.plan_cells(config, torch_threads=1, **kwargs)


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A tiny run (no resampling, SMOTE, BAGAN on digits), computed once."""
    output_dir = tmp_path_factory.mktemp("run")
    results = run.run_cells(_cells(), output_dir)
    return output_dir, results


def test_cell_records_expected_keys(finished_run):
    output_dir, results = finished_run
    assert [r["status"] for r in results] == ["ok"] * 3, results
    by_method = {r["method"]: r for r in results}
    for result in results:
        stored = json.loads(run.cell_path(output_dir, result["key"]).read_text())
        assert stored["settings_hash"] == result["settings_hash"]
        for model in ("SmallCNN", "LogisticRegression"):
            scores = stored["downstream"][model]
            for key in (
                "accuracy",
                "balanced_accuracy",
                "macro_f1",
                "geometric_mean",
                "precision_largest",
                "recall_smallest",
            ):
                assert 0.0 <= scores[key] <= 1.0
            assert set(scores["per_class_recall"]) == {str(c) for c in range(10)}
        assert stored["environment"]["versions"]["torch"]
        assert stored["train_counts"] == {
            str(c): n for c, n in enumerate(configs.DIGITS_PROFILE)
        }
        assert stored["largest_class"] == 0 and stored["smallest_class"] == 9

    none, smote, bagan = (by_method[m] for m in ("none", "SMOTE", "BAGANSampler"))
    assert none["cost"]["fit_seconds"] is None and none["recognisability"] is None
    assert none["diagnostics"] is None and none["samples"] == {}
    assert smote["cost"]["fit_seconds"] > 0
    assert smote["cost"]["peak_rss_mb"] > 0
    assert smote["resampled_counts"] == {str(c): 90 for c in range(10)}
    # SMOTE's synthetic rows are kept for the figure and scored like a GAN's
    # samples, up to n_generated_per_class of each class; the majority has none.
    assert "0" not in smote["samples"] and len(smote["samples"]) == 9
    assert smote["generated_classes"] == list(range(1, 10))
    assert smote["missing_classes"] == [0]
    smote_counts = np.asarray(smote["recognisability"]["confusion_matrix"]).sum(1)
    added = [90 - n for n in configs.DIGITS_PROFILE]
    assert smote_counts.tolist() == [min(20, n) for n in added]
    assert smote["diagnostics"]["per_class"]["class"] == list(range(1, 10))

    recognisability = bagan["recognisability"]
    assert np.asarray(recognisability["confusion_matrix"]).sum() == 200
    assert np.asarray(recognisability["confusion_matrix"]).shape == (10, 10)
    assert bagan["generated_classes"] == list(range(10))
    assert bagan["missing_classes"] == []
    frechet = bagan["frechet"]
    assert set(frechet["per_class"]) == {str(c) for c in range(10)}
    assert all(v >= 0 for v in frechet["per_class"].values())
    assert "not Inception FID" in frechet["feature_extractor"]
    samples = _protocols.decode_samples(bagan["samples"]["9"])
    assert samples.shape == (3, 64) and samples.dtype == np.uint8
    diagnostics = bagan["diagnostics"]["per_class"]
    assert diagnostics["class"] == list(range(10))
    assert diagnostics["n_generated"] == [20] * 10
    for key in ("precision", "recall", "coverage", "c2st_pixels_accuracy"):
        assert all(0.0 <= v <= 1.0 for v in diagnostics[key]), key
    # The reference classifier is cached on disk for later runs.
    assert len(list((output_dir / "reference").glob("*.joblib"))) == 1


def test_resume_skips_finished_cells(finished_run, monkeypatch, capsys):
    output_dir, _ = finished_run
    calls = []

    def counting_cell(cell, reference=None, stored=None):
        calls.append(cell.key)
        return {"status": "error", "key": cell.key, "error": "not computed"}

    monkeypatch.setattr(_protocols, "run_cell", counting_cell)
    # Two finished cells and one new one: only the new one runs.
    cells = _cells(methods=("none", "SMOTE", "RandomOverSampler"))
    run.run_cells(cells, output_dir)
    assert calls == ["digits-tiny__RandomOverSampler__seed0"]
    assert "2 already finished, 1 to run" in capsys.readouterr().out
    # A failed cell is stored apart and retried on the next run.
    error_file = run.cell_path(output_dir, calls[0], error=True)
    assert error_file.exists()
    run.run_cells(cells, output_dir)
    assert len(calls) == 2
    error_file.unlink()

    # Changed settings (more CNN epochs) make a finished cell run again.
    changed = [
        dataclasses.replace(
            cell, experiment=dataclasses.replace(cell.experiment, cnn_epochs=2)
        )
        for cell in _cells(methods=("none",))
    ]
    run.run_cells(changed, output_dir)
    assert calls[-1] == "digits-tiny__none__seed0"
    for path in (output_dir / "cells").glob("*.error.json"):
        path.unlink()


def test_report_renders(finished_run):
    output_dir, results = finished_run
    report = _report.write_report(output_dir).read_text()
    for heading in (
        "## digits-tiny",
        "### Protocol (a): downstream SmallCNN",
        "### Protocol (b): recognisability of generated samples",
        "### Protocol (c): per-class Fréchet distance (not Inception FID)",
        "### Protocol (e): fidelity and diversity diagnostics",
        "### Cost of fit_resample",
        "| method | n | balanced acc. | G-mean | macro-F1 |",
    ):
        assert heading in report
    assert "BAGANSampler" in report and "SMOTE" in report
    assert "Versions: python" in report and "torch threads per cell" in report
    # Published rows only beside the data they were measured on.
    assert "published:" not in report.split("## digits-tiny")[1]
    assert "augmentation" not in report  # no cell trained the augmented SmallCNN
    for name in ("recall", "samples", "confusion"):
        assert (output_dir / "figures" / f"digits-tiny_{name}.png").stat().st_size
    # Each method's row holds its cell's scores, in percent.
    smallcnn = report.split("### Protocol (a): downstream SmallCNN")[1]
    smallcnn = smallcnn.split("Per-class recall")[0]
    for result in results:
        scores = result["downstream"]["SmallCNN"]
        row = f"| {result['method']} | 1 | {100 * scores['balanced_accuracy']:.1f} |"
        assert row in smallcnn
    # The CSV has one row per (cell, model) with the cell's numbers.
    with open(output_dir / "results.csv", newline="") as handle:
        rows = {(r["method"], r["model"]): r for r in csv.DictReader(handle)}
    assert len(rows) == 3 * 2
    for result in results:
        for model, scores in result["downstream"].items():
            row = rows[result["method"], model]
            assert float(row["balanced_accuracy"]) == scores["balanced_accuracy"]
            assert row["settings_hash"] == result["settings_hash"]


def test_report_published_rows_and_lossy_label(finished_run, tmp_path):
    output_dir, results = finished_run
    # Relabel the stored cells as Fashion-MNIST GAMO / CIFAR copy cells to
    # check the labels the report puts on those datasets.
    relabel = {
        "none": ("fashion_mnist", "gamo"),
        "SMOTE": ("fashion_mnist", "gamo"),
        "BAGANSampler": ("cifar10_jpeg", "x"),
    }
    for result in results:
        source, profile = relabel[result["method"]]
        cell = json.loads(json.dumps(result))
        cell["settings"]["dataset"].update(source=source, profile=profile)
        cell["dataset"] = f"{source}-{profile}"
        cell["lossy_copy"] = source == "cifar10_jpeg"
        run.write_json_atomic(run.cell_path(tmp_path, cell["key"] + source), cell)
    report = _report.write_report(tmp_path).read_text()
    # Without a run configuration, datasets come by name; with one, in the
    # configuration's order.
    assert report.index("## cifar10_jpeg-x") < report.index("## fashion_mnist-gamo")
    run.write_json_atomic(
        tmp_path / "run_config.json",
        {"cells": ["fashion_mnist-gamo__none__seed0", "cifar10_jpeg-x__none__seed0"]},
    )
    report = _report.write_report(tmp_path).read_text()
    assert report.index("## fashion_mnist-gamo") < report.index("## cifar10_jpeg-x")
    assert "published: DeepSMOTE paper, GAMO, ResNet-18" in report
    assert "*83.03*" in report and "*73.05*" in report
    assert "## cifar10_jpeg-x (lossy JPEG copy)" in report
    fashion = report[report.index("## fashion_mnist-gamo") : report.index("## cifar")]
    assert (
        "Best deep-sampler pipeline" not in fashion
    )  # no GAN cell in the Fashion group
    assert "Best oversampler: **SMOTE**" in fashion


def _seed_cells(method, scores):
    return [
        {
            "seed": seed,
            "is_gan": method.endswith("Sampler"),
            "downstream": {"SmallCNN": {"balanced_accuracy": score / 100}},
        }
        for seed, score in enumerate(scores)
    ]


def test_paired_difference_interval_and_verdict():
    a = {0: 80.0, 1: 82.0, 2: 81.0, 3: 79.0}
    b = {0: 78.0, 1: 80.5, 2: 79.0, 3: 77.5, 9: 10.0}  # seed 9 has no pair
    paired = _report.PairedDifference.of(a, b)
    differences = np.array([2.0, 1.5, 2.0, 1.5])
    assert paired.n == 4 and paired.mean == pytest.approx(differences.mean())
    half = 3.182446 * differences.std(ddof=1) / 2  # t(0.975, 3) * s / sqrt(4)
    assert paired.low == pytest.approx(1.75 - half, abs=1e-5)
    assert paired.high == pytest.approx(1.75 + half, abs=1e-5)
    assert paired.verdict == "above"
    noisy = _report.PairedDifference.of({0: 80.0, 1: 70.0}, {0: 75.0, 1: 76.0})
    assert noisy.verdict == "no difference" and noisy.low < 0 < noisy.high
    assert _report.PairedDifference.of({0: 1.0}, {0: 2.0}).verdict.startswith("one")
    assert _report.PairedDifference.of({0: 1.0}, {1: 2.0}) is None


def test_headline_names_the_best_of_each_kind_with_paired_intervals():
    by_method = {
        "none": _seed_cells("none", [70, 72, 71]),
        "class_weight": _seed_cells("class_weight", [75, 76, 74]),
        "logit_adjustment": _seed_cells("logit_adjustment", [78, 79, 77]),
        "SMOTE": _seed_cells("SMOTE", [74, 77, 73]),
        "BAGANSampler": _seed_cells("BAGANSampler", [76, 78, 76]),
    }
    by_method["ADASYN"] = _seed_cells("ADASYN", [90])  # one seed: not comparable
    headline = _report._headline(by_method, with_target=True)
    assert "Best pipeline overall: **logit_adjustment**" in headline
    assert "Best pipeline without a deep sampler: **logit_adjustment**" in headline
    assert "Best oversampler: **BAGANSampler**" in headline
    assert "Best loss-side baseline: **logit_adjustment**" in headline
    assert "BAGANSampler − logit_adjustment, paired by seed: -1.3" in headline
    assert headline.count("BAGANSampler − logit_adjustment") == 1
    assert "Best deep-sampler pipeline: BAGANSampler 76.7" in headline
    assert "Best deep-sampler pipeline" not in _report._headline(by_method)
    table = _report._paired_table(by_method)
    header = table.splitlines()[0]
    assert "− no resampling (none)" in header and "− class weights" in header
    assert "− best loss-side (logit_adjustment)" in header
    bagan = next(line for line in table.splitlines() if line.startswith("| BAGAN"))
    assert "+5.7 [" in bagan and "(above, n = 3)" in bagan


def test_joblib_two_jobs_match_one_job(finished_run, tmp_path):
    # The fixture ran these cells with n_jobs=1 in this process.
    _, one = finished_run
    two = run.run_cells(
        _cells(methods=("none", "SMOTE"), n_parallel=2), tmp_path, n_jobs=2
    )
    one = {r["key"]: r for r in one if r["method"] in ("none", "SMOTE")}
    two = {r["key"]: r for r in two}
    assert set(one) == set(two)
    for key in one:
        assert _without_times(one[key]["downstream"]) == _without_times(
            two[key]["downstream"]
        )
        assert one[key]["resampled_counts"] == two[key]["resampled_counts"]
        assert one[key]["samples"] == two[key]["samples"]
    # The loky workers are other processes.
    assert {r["environment"]["pid"] for r in two.values()} != {
        r["environment"]["pid"] for r in one.values()
    }


def _without_times(downstream):
    return {
        model: {k: v for k, v in scores.items() if k != "train_seconds"}
        for model, scores in downstream.items()
    }


def test_dask_local_cluster_runs_a_cell(finished_run, tmp_path):
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        # In-process clusters default to the inproc:// transport, which does
        # not take a host; TCP on loopback is what a real scheduler speaks.
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    )
    try:
        results = run.run_cells(
            _cells(methods=("none",)), tmp_path, scheduler=cluster.scheduler_address
        )
    finally:
        cluster.close()
    assert [r["status"] for r in results] == ["ok"]
    assert run.cell_path(tmp_path, "digits-tiny__none__seed0").exists()
    # The cluster computes what a local run computes.
    _, local = finished_run
    none = next(r for r in local if r["method"] == "none")
    assert _without_times(results[0]["downstream"]) == _without_times(
        none["downstream"]
    )


def _listed_cells(out):
    """(status, key) of each cell line of a dry run's output."""
    return [
        (line.split()[0], line.split()[-1])
        for line in out.splitlines()
        if "__seed" in line
    ]


def test_cli_dry_run_and_report_only(finished_run, capsys):
    output_dir, _ = finished_run
    stored = sorted((output_dir / "cells").iterdir())
    assert (
        run.main(["--config", "quick", "--output-dir", str(output_dir), "--dry-run"])
        == 0
    )
    out = capsys.readouterr().out
    quick = run.plan_cells(configs.get_config("quick"))
    assert _listed_cells(out) == [("pending", cell.key) for cell in quick]
    assert "estimated wall time" in out
    # A dry run only reads: no configuration record, no new cell files.
    assert not (output_dir / "run_config.json").exists()
    assert sorted((output_dir / "cells").iterdir()) == stored
    # The finished cells of the tiny run are listed as done.
    run.print_estimate(_cells(), output_dir, n_jobs=1)
    listed = _listed_cells(capsys.readouterr().out)
    assert listed == [("done", cell.key) for cell in _cells()]

    (output_dir / "report.md").unlink(missing_ok=True)
    assert run.main(["--report-only", "--output-dir", str(output_dir)]) == 0
    assert "## digits-tiny" in (output_dir / "report.md").read_text()


def test_tabular_npz_dataset_runs(tmp_path):
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=300, n_features=6, weights=[0.8, 0.2], random_state=0
    )
    path = tmp_path / "tab.npz"
    np.savez(path, X=X, y=y)
    experiment = dataclasses.replace(
        configs.npz_experiment(str(path)),
        methods=("SMOTE", "BAGANSampler"),
        cnn_epochs=1,
        gan_params=TINY.gan_params,
        n_generated_per_class=20,
        reference_epochs=1,
    )
    cells = run.plan_cells(configs.Config("tab", (experiment,)), torch_threads=1)
    results = run.run_cells(cells, tmp_path / "run")
    assert [r["status"] for r in results] == ["ok", "ok"], results
    bagan = next(r for r in results if r["method"] == "BAGANSampler")
    assert bagan["image_shape"] is None and bagan["samples"] == {}
    assert set(bagan["frechet"]["per_class"]) == {"0", "1"}
    assert "## npz-tab" in _report.write_report(tmp_path / "run").read_text()


def test_cells_read_images_from_the_given_data_home(tmp_path):
    mnist = dataclasses.replace(
        TINY,
        dataset=configs.DatasetSpec(name="mnist-tiny", source="mnist", profile="gamo"),
        methods=("none",),
    )
    config = configs.Config("mnist", (mnist,))
    empty = tmp_path / "no-data"
    empty.mkdir()
    cells = run.plan_cells(config, torch_threads=1, data_home=empty)
    [result] = run.run_cells(cells, tmp_path / "run")
    # The loader looked in the given folder, not somewhere of its own.
    assert result["status"] == "error"
    assert result["error"].startswith("FileNotFoundError")
    assert str(empty) in result["error"]
    # Where the data lies is not a setting of the result.
    elsewhere = run.plan_cells(config, data_home=tmp_path / "elsewhere")
    assert cells[0].settings_hash() == elsewhere[0].settings_hash()
    assert cells[0].settings_hash() == run.plan_cells(config)[0].settings_hash()


def test_cli_gives_every_cell_the_data_home(tmp_path, monkeypatch):
    planned = []

    def record_cells(cells, output_dir, **kwargs):
        planned.extend(cells)
        return []

    monkeypatch.setattr(run, "run_cells", record_cells)
    data_home = tmp_path / "data"
    argv = ["--config", "full", "--output-dir", str(tmp_path / "run")]
    assert run.main([*argv, "--data-home", str(data_home)]) == 0
    assert len(planned) == len(run.plan_cells(configs.get_config("full")))
    assert {cell.data_home for cell in planned} == {data_home}


def test_default_data_home_is_the_environment_or_shared_data(monkeypatch):
    monkeypatch.setenv(configs.DATA_HOME_ENV_VAR, "/somewhere/data")
    assert configs.default_data_home() == Path("/somewhere/data")
    monkeypatch.delenv(configs.DATA_HOME_ENV_VAR)
    repository = BENCHMARKS.parent
    assert configs.default_data_home() == repository.parent / "shared" / "data"


@pytest.mark.real_data
def test_fashion_mnist_cells_load_from_the_data_home(real_data_home):
    spec = configs.QUICK.experiments[1].dataset  # the Fashion-MNIST slice
    data = _protocols.load_dataset(spec, 0, data_home=real_data_home)
    assert tuple(data.train_counts) == spec.profile_counts()
    assert data.image_shape == (28, 28) and data.X_train.dtype == np.uint8
    assert np.bincount(data.y_test).tolist() == [spec.test_per_class] * 10


def test_sampler_variants_are_their_sampler_with_other_parameters():
    names = configs.gan_sampler_names()
    assert names[names.index("BAGANSampler") + 1] == configs.BAGAN_UNFILTERED
    assert names[names.index("SCDLGANSampler") + 1] == configs.WAE_GAN

    def build(method):
        return _protocols.build_sampler(
            method, image_shape=(8, 8), seed=0, experiment=TINY
        )

    unfiltered, wae_gan = build(configs.BAGAN_UNFILTERED), build(configs.WAE_GAN)
    assert type(unfiltered).__name__ == "BAGANSampler"
    assert unfiltered.discriminator_filter is False
    assert type(wae_gan).__name__ == "SCDLGANSampler"
    assert wae_gan.supervised_weight == 0.0
    # A variant's settings are its sampler's, but for the method's name and
    # the parameters the variant sets.
    base = _protocols.Cell(TINY, "BAGANSampler", 0).settings()
    variant = _protocols.Cell(TINY, configs.BAGAN_UNFILTERED, 0).settings()
    assert variant["sampler_params"].pop("discriminator_filter") == "False"
    base["sampler_params"].pop("discriminator_filter")
    assert {**variant, "method": "BAGANSampler"} == base


@pytest.mark.parametrize(
    "variant, sampler",
    [
        (configs.BAGAN_LATENT_SMOTE, "BAGANSampler"),
        (configs.SCDL_GAN_LATENT_SMOTE, "SCDLGANSampler"),
    ],
)
def test_added_parameters_enter_the_hash_only_away_from_their_old_value(
    variant, sampler
):
    # Cells stored before latent_model existed keep their hash while it holds
    # the value that reproduces them; the latent SMOTE variant gets its own.
    base = _protocols.Cell(TINY, sampler, 0)
    assert "latent_model" not in base.settings()["sampler_params"]
    settings = _protocols.Cell(TINY, variant, 0).settings()
    assert settings["sampler_params"].pop("latent_model") == "'smote'"
    assert {**settings, "method": sampler} == base.settings()
    assert _protocols.Cell(TINY, variant, 0).settings_hash() != base.settings_hash()


def test_configs_discover_samplers_and_profiles():
    gans = configs.gan_sampler_names()
    assert "BAGANSampler" in gans
    assert configs.expand_methods(["none", "GAN"]) == ["none", *gans]
    assert "BAGANSampler" not in configs.expand_methods(["GAN", "-BAGANSampler"])
    with pytest.raises(ValueError, match="Unknown method"):
        configs.expand_methods(["SMOTEE"])
    cifar = configs.DatasetSpec(
        name="c", source="cifar10_jpeg", profile="deepsmote_scaled"
    )
    counts = cifar.profile_counts()
    assert max(counts) == 1000 and counts[-1] == 18  # 80 * 1000 / 4500
    assert "lossy JPEG copy" in cifar.describe()
    slice_ = configs.QUICK.experiments[1].dataset.profile_counts()
    assert slice_ == (400, 200, 100, 75, 50, 35, 20, 10, 6, 6)


def test_generate_per_class_reports_classes_it_cannot_make():
    class PartialSampler:
        def generate(self, y, random_state=None):
            if 0 in np.asarray(y):
                raise ValueError("class 0 cannot be generated")
            return np.ones((len(y), 4), dtype=np.uint8)

    X, y, missing = _protocols.generate_per_class(
        PartialSampler(), np.array([0, 1, 2]), 5, seed=0
    )
    assert missing == [0]
    assert X.shape == (10, 4) and sorted(set(y.tolist())) == [1, 2]


def test_peak_memory_sees_an_allocation():
    with _protocols.PeakMemory() as memory:
        block = np.ones(64 * 2**20 // 8)  # 64 MiB, touched
        time.sleep(0.05)  # several sampling intervals
        del block
    assert memory.delta_mb > 30
    assert memory.peak_mb >= memory.baseline_mb


def test_frechet_distance_basic_properties():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(500, 3))
    assert _protocols.frechet_distance(a, a) == pytest.approx(0, abs=1e-6)
    shifted = _protocols.frechet_distance(a, a + 2.0)
    assert shifted == pytest.approx(12.0, rel=1e-6)


def test_cli_records_its_overrides_in_the_report(tmp_path):
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=200, n_features=4, random_state=0)
    path = tmp_path / "tab.npz"
    np.savez(path, X=X, y=y)
    output_dir = tmp_path / "run"
    argv = ["--config", "quick", "--output-dir", str(output_dir), "--npz", str(path)]
    argv += ["--datasets", "npz-tab", "--methods", "none", "--seeds", "3"]
    assert run.main(argv) == 0
    stored = json.loads((output_dir / "run_config.json").read_text())
    assert stored["overrides"] == {
        "methods": "none",
        "seeds": "3",
        "datasets": "npz-tab",
        "npz": str(path),
    }
    assert stored["cells"] == ["npz-tab__none__seed3"]
    report = (output_dir / "report.md").read_text()
    assert "replaced the configuration's methods: none; seeds: 3" in report


def test_cost_table_keeps_machines_apart(finished_run, tmp_path):
    _, results = finished_run
    for result in results:
        for cpu in ("CPU A", "CPU B"):
            cell = json.loads(json.dumps(result))
            cell["environment"]["machine"]["cpu"] = cpu
            cell["seed"] = 0 if cpu == "CPU A" else 1
            if cpu == "CPU B" and cell["cost"]["fit_seconds"] is not None:
                cell["cost"]["fit_seconds"] *= 2
            run.write_json_atomic(run.cell_path(tmp_path, cell["key"] + cpu), cell)
    report = _report.write_report(tmp_path).read_text()
    cost = report.split("### Cost of fit_resample")[1].split("*Data")[0]
    bagan_rows = [line for line in cost.splitlines() if "| BAGANSampler |" in line]
    assert len(bagan_rows) == 2
    assert "| CPU A | 1 |" in bagan_rows[0] and "| CPU B | 1 |" in bagan_rows[1]
    # Both machines' times doubled together, so the ratio to SMOTE is equal.
    ratios = [row.split("|")[5].strip() for row in bagan_rows]
    assert ratios[0] == ratios[1] != "—"


@pytest.fixture(scope="module")
def fitted_digits_bagan():
    from sklearn.datasets import load_digits
    from sklearn.utils import Bunch

    from skgan_sampler import BAGANSampler

    X, y = load_digits(return_X_y=True)
    keep = (y < 3) & ((y == 0) | (np.arange(len(y)) % 4 == 0))
    data = Bunch(X_train=X[keep], y_train=y[keep])
    sampler = BAGANSampler(
        image_shape=(8, 8), ae_epochs=1, gan_epochs=1, latent_dim=4, random_state=0
    )
    resampled = sampler.fit_resample(data.X_train, data.y_train)
    return {"sampler": sampler, "resampled": resampled, "fit_seconds": 0.0}, data


@pytest.mark.parametrize("variant", draw_variants.VARIANTS)
def test_draw_variants_balance_and_keep_the_originals(fitted_digits_bagan, variant):
    fitted, data = fitted_digits_bagan
    means = fitted["sampler"].class_latent_means_.copy()
    covariances = fitted["sampler"].class_latent_covariances_.copy()
    X_fit, y_fit = draw_variants.resampled(fitted, data, variant, seed=0)
    n_real = len(data.y_train)
    np.testing.assert_array_equal(X_fit[:n_real], data.X_train)
    np.testing.assert_array_equal(y_fit[:n_real], data.y_train)
    _, counts = np.unique(y_fit, return_counts=True)
    assert set(counts) == {np.bincount(data.y_train).max()}
    # The fitted sampler is left as it was.
    np.testing.assert_array_equal(fitted["sampler"].class_latent_means_, means)
    np.testing.assert_array_equal(
        fitted["sampler"].class_latent_covariances_, covariances
    )


def test_confident_half_keeps_the_most_confident_draws(fitted_digits_bagan):
    fitted, _ = fitted_digits_bagan
    sampler = fitted["sampler"]
    kept = draw_variants.synthetic_rows(sampler, 2, 10, "confident-half", 7)
    candidates = sampler.generate(np.full(20, 2), random_state=7)
    confidence = draw_variants.class_probabilities(sampler, candidates)[:, 2]
    assert (
        draw_variants.class_probabilities(sampler, kept)[:, 2].min()
        == (np.sort(confidence)[-10])
    )
    assert len(kept) == 10


def test_synthetic_separability_tells_copies_from_shifted_rows(fitted_digits_bagan):
    _, data = fitted_digits_bagan
    # Digits' 0-16 as 0-240 grey levels, the scale of real image data.
    images = (data.X_train * 15).astype(np.uint8)
    data = type(data)(X_train=images, y_train=data.y_train)
    minority = data.y_train != 0
    real, labels = images[minority], data.y_train[minority]
    copies = (np.concatenate([images, real]), np.r_[data.y_train, labels])
    brighter = (
        np.concatenate([images, np.clip(real.astype(int) + 64, 0, 255)]),
        np.r_[data.y_train, labels],
    )
    same = draw_variants.synthetic_separability(data, *copies)
    shifted = draw_variants.synthetic_separability(data, *brighter)
    assert set(same) == set(shifted) == {"1", "2"}
    assert max(same.values()) < 0.6
    assert min(shifted.values()) > 0.9


def test_cache_names_keep_the_defaults_and_tell_settings_apart():
    assert draw_variants.cache_name("BAGANSampler", 1, {}) == "BAGANSampler_seed1.pkl"
    longer = draw_variants.cache_name("BAGANSampler", 1, {"gan_epochs": 60, "a": 1})
    assert longer == draw_variants.cache_name(
        "BAGANSampler", 1, {"a": 1, "gan_epochs": 60}
    )
    assert longer != draw_variants.cache_name("BAGANSampler", 1, {"gan_epochs": 61})
    assert longer.startswith("BAGANSampler_seed1_") and longer.endswith(".pkl")


class _Brighter(torch.nn.Module):
    def forward(self, images):
        return torch.clamp(images + 0.5, max=1.0)


def test_reconstruction_separability_tells_faithful_from_shifted_generators():
    from sklearn.datasets import load_digits
    from sklearn.utils import Bunch

    from skgan_sampler import BAGANSampler

    X, y = load_digits(return_X_y=True)
    keep = y < 3
    # Digits' 0-16 as 0-240 grey levels, the scale of real image data.
    data = Bunch(X_train=(X[keep] * 15).astype(np.uint8), y_train=y[keep])
    sampler = BAGANSampler(
        image_shape=(8, 8), ae_epochs=1, gan_epochs=1, latent_dim=4, random_state=0
    )
    sampler.fit_resample(data.X_train, data.y_train)
    # Identity networks reconstruct every row exactly; a brightening
    # generator reconstructs every row shifted.
    sampler.encoder_ = torch.nn.Identity()
    sampler.generator_ = torch.nn.Identity()
    faithful = draw_variants.reconstruction_separability(sampler, data)
    sampler.generator_ = _Brighter()
    shifted = draw_variants.reconstruction_separability(sampler, data)
    assert set(faithful) == set(shifted) == {"0", "1", "2"}
    assert max(faithful.values()) < 0.6
    assert min(shifted.values()) > 0.9


def test_loss_side_methods_and_cnn_params_reach_smallcnn(tmp_path):
    experiment = dataclasses.replace(
        TINY,
        methods=("none", "logit_adjustment", "drw"),
        cnn_params={"n_steps": 6, "lr_schedule": "cosine"},
    )
    cells = run.plan_cells(
        configs.Config(name="tiny", experiments=(experiment,)), torch_threads=1
    )
    results = {r["method"]: r for r in run.run_cells(cells, tmp_path)}
    for method, result in results.items():
        assert result["status"] == "ok", result
        assert result["downstream"]["SmallCNN"]["n_steps"] == 6
        assert result["settings"]["cnn_params"] == experiment.cnn_params
        assert result["cost"]["fit_seconds"] is None  # nothing is resampled
        assert result["resampled_counts"] == result["train_counts"], method
    # The same SmallCNN seed and steps: only the loss differs.
    scores = {
        m: r["downstream"]["SmallCNN"]["balanced_accuracy"] for m, r in results.items()
    }
    assert len(set(scores.values())) > 1


def test_cells_without_cnn_params_keep_their_settings_hash():
    (cell,) = _cells(methods=("none",))
    assert "cnn_params" not in cell.settings()
    with_params = dataclasses.replace(cell.experiment, cnn_params={"n_steps": 5})
    changed = dataclasses.replace(cell, experiment=with_params)
    assert changed.settings()["cnn_params"] == {"n_steps": 5}
    assert changed.settings_hash() != cell.settings_hash()


def test_augmentation_control_completes_finished_cells(finished_run, tmp_path):
    source, results = finished_run
    (tmp_path / "cells").mkdir()
    for path in (source / "cells").glob("*.json"):
        (tmp_path / "cells" / path.name).write_bytes(path.read_bytes())
    cells = _cells()
    assert [run.finished_status(c, tmp_path) for c in cells] == ["done"] * 3
    augmented = [
        dataclasses.replace(
            cell, experiment=dataclasses.replace(cell.experiment, augment="shift")
        )
        for cell in cells
    ]
    # Same settings otherwise: the cells are completed, not recomputed.
    assert [c.settings_hash() for c in augmented] == [c.settings_hash() for c in cells]
    assert [run.finished_status(c, tmp_path) for c in augmented] == ["incomplete"] * 3
    completed = {r["method"]: r for r in run.run_cells(augmented, tmp_path)}
    assert [run.finished_status(c, tmp_path) for c in augmented] == ["done"] * 3
    for before in results:
        after = completed[before["method"]]
        assert after["status"] == "ok", after
        for key in ("downstream", "recognisability", "diagnostics", "cost"):
            if key == "downstream":
                kept = {m: after[key][m] for m in before[key]}
                assert kept == before[key]
            else:
                assert after[key] == before[key], key
        entry = after["downstream"][configs.AUGMENTED_SMALLCNN]
        assert entry["augment"] == "shift" and 0.0 <= entry["balanced_accuracy"] <= 1
    # Another augmentation is another result.
    flipped = [
        dataclasses.replace(
            cell, experiment=dataclasses.replace(cell.experiment, augment="shift_flip")
        )
        for cell in cells
    ]
    assert run.finished_status(flipped[0], tmp_path) == "incomplete"
    report = _report.write_report(tmp_path).read_text()
    assert "downstream SmallCNN with augmentation (augment=shift)" in report
    assert "| none + augment |" in report


def test_appended_per_class_takes_only_the_added_rows():
    X_fit = np.arange(20, dtype=float).reshape(10, 2)
    y_fit = np.array([0, 0, 0, 1, 2, 1, 1, 2, 2, 2])  # 4 real rows, then added
    X, y, missing = _protocols.appended_per_class(
        X_fit, y_fit, n_real=4, classes=np.array([0, 1, 2]), n_per_class=2, seed=0
    )
    assert missing == [0]
    assert np.bincount(y).tolist() == [0, 2, 2]
    added = {tuple(row) for row in X_fit[4:]}
    assert all(tuple(row) in added for row in X)
    for label, row in zip(y, X, strict=True):
        assert y_fit[4:][np.flatnonzero((X_fit[4:] == row).all(1))[0]] == label


def test_fidelity_diagnostics_see_copies_and_shifted_images(finished_run):
    output_dir, _ = finished_run
    (path,) = (output_dir / "reference").glob("*.joblib")
    reference = run.joblib.load(path)
    data = _protocols.load_dataset(TINY.dataset, 0)
    X_train = np.asarray(data.X_train, dtype=np.float64).reshape(len(data.y_train), -1)
    copies = _protocols.fidelity_diagnostics(
        reference, X_train, data.y_train, data, seed=0
    )["per_class"]
    assert copies["nearest_train_distance_median"] == [0.0] * 10
    assert min(copies["test_nearest_train_distance_median"]) > 0
    shifted = _protocols.fidelity_diagnostics(
        reference, X_train + 8.0, data.y_train, data, seed=0
    )["per_class"]
    assert min(shifted["c2st_pixels_accuracy"]) > 0.9
    assert max(copies["c2st_pixels_accuracy"]) < 0.9
    assert min(shifted["generated_brightness"]) > max(shifted["real_brightness"])


def test_headline_takes_the_best_pipeline_over_plain_and_augmented():
    def cells(method, plain, augmented):
        out = _seed_cells(method, plain)
        for cell, score in zip(out, augmented, strict=True):
            cell["downstream"][configs.AUGMENTED_SMALLCNN] = {
                "balanced_accuracy": score / 100
            }
        return out

    by_method = {
        "none": cells("none", [70, 72, 71], [74, 75, 74]),
        "logit_adjustment": cells("logit_adjustment", [78, 79, 77], [80, 82, 80]),
        "BAGANSampler": cells("BAGANSampler", [79, 80, 78], [80, 81, 80]),
    }
    headline = _report._headline(by_method)
    assert (
        "Best pipeline without a deep sampler: **logit_adjustment + augment**"
        in headline
    )
    assert (
        "Best pipeline with a deep sampler (GAN or DeepSMOTE): "
        "**BAGANSampler + augment**" in headline
    )
    assert (
        "BAGANSampler + augment − logit_adjustment + augment, paired by seed: -0.3"
        in headline
    )
    table = _report._augmentation_table(by_method)
    none = next(line for line in table.splitlines() if line.startswith("| none"))
    assert "+3.3 [" in none and "(above, n = 3)" in none


def test_per_class_diagnostics_average_each_class_over_seeds():
    def cell(coverage):
        per_class = {"class": [0, 1], "coverage": coverage}
        return {"diagnostics": {"per_class": per_class}}

    scored = {
        "SMOTE": [cell([0.2, 0.4]), cell([0.4, 0.6])],
        "BAGANSampler": [cell([0.9, 0.1])],
    }
    table = _report._per_class_diagnostic_table(scored, [0, 1, 2], "coverage")
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    assert rows[0] == ["| SMOTE", "0.30", "0.50", "— |"]
    assert rows[1] == ["| BAGANSampler", "0.90", "0.10", "— |"]


def test_caption_names_the_step_budget_of_smallcnn():
    assert _report._cnn_budget(10, None) == "10 epochs"
    instrument = configs.INSTRUMENT.experiments[0].cnn_params
    assert _report._cnn_budget(10, instrument) == "710 steps, cosine decay"


def test_variants_are_compared_with_their_sampler_paired_by_seed():
    by_method = {
        "BAGANSampler": _seed_cells("BAGANSampler", [70, 72, 71]),
        configs.BAGAN_LATENT_SMOTE: _seed_cells("BAGANSampler", [71, 74, 72]),
        configs.WAE_GAN: _seed_cells("SCDLGANSampler", [60, 61, 62]),  # no base
    }
    rows = _report._variants_table(by_method).splitlines()[2:]
    assert len(rows) == 1
    cells = rows[0].split(" | ")
    assert cells[0] == f"| {configs.BAGAN_LATENT_SMOTE}"
    assert cells[1] == "BAGANSampler(latent_model='smote')"
    paired = _report.PairedDifference.of({0: 71, 1: 74, 2: 72}, {0: 70, 1: 72, 2: 71})
    assert cells[2] == str(paired) and cells[3] == "— |"
    assert _report._variants_table({"BAGANSampler": by_method["BAGANSampler"]}) == ""
