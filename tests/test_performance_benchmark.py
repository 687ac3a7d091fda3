"""Tests of benchmarks/performance.py (issue #26) on tiny Fashion-MNIST slices.

They check what the command records and how it resumes, never how long
anything took.
"""

# Authors: skgan_sampler developers
# License: MIT

import json
import math
import shutil
import sys
from pathlib import Path

import pytest
import torch

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
# The benchmark modules are scripts beside each other, not a package; their
# folder is on the path when they run, so it is here too.
sys.path.insert(0, str(BENCHMARKS))

import performance  # noqa: E402
from configs import DatasetSpec  # noqa: E402

# --quick on two samplers (a convolutional one with a discriminator filter,
# GAMO's dense networks) and the smallest sizes the GAMO profile allows.
TINY = [
    "--quick",
    "--samplers",
    "BAGANSampler,GAMOSampler",
    "--sizes",
    "60,120",
    "--image-size-n",
    "60",
    "--n-images",
    "300",
    "--matmul-size",
    "128",
]
SECTION_TITLES = (
    "## 1. Fit time",
    "## 2. Training efficiency",
    "## 3. Generation",
    "## 4. Scaling",
)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, real_data_home):
    """Every section of a tiny run, computed once; its folder and arguments."""
    output_dir = tmp_path_factory.mktemp("performance")
    argv = [*TINY, "--data-home", str(real_data_home)]
    assert performance.main([*argv, "--output-dir", str(output_dir)]) == 0
    return output_dir, argv


def _results(output_dir):
    return json.loads((output_dir / "results.json").read_text())["items"]


def _measured_keys(monkeypatch):
    """Record the items :func:`performance.execute` measures from now on."""
    measured = []
    execute = performance.execute

    def recording(item):
        measured.append(item.key)
        return execute(item)

    monkeypatch.setattr(performance, "execute", recording)
    return measured


def _positive_finite(value):
    return math.isfinite(value) and value > 0


@pytest.mark.real_data
def test_report_has_every_section(quick_run):
    output_dir, _ = quick_run
    report = (output_dir / "report.md").read_text()
    for title in SECTION_TITLES:
        assert title in report
    for statement in ("Machine:", "torch threads:", "Precision:", "SMOTE"):
        assert statement in report
    assert "not measured" not in report and "Failed" not in report
    items = _results(output_dir)
    assert {entry["status"] for entry in items.values()} == {"ok"}
    # The generation section's fitted samplers, and no others, are kept.
    kept = sorted(path.stem for path in (output_dir / "fitted").iterdir())
    assert kept == [
        "fit__fashion_mnist-gamo-n200__BAGANSampler",
        "fit__fashion_mnist-gamo-n200__GAMOSampler",
    ]


@pytest.mark.real_data
def test_fit_times_flops_and_ratios_are_recorded(quick_run):
    output_dir, _ = quick_run
    items = _results(output_dir)
    smote = items["fit__fashion_mnist-gamo-n200__SMOTE"]["result"]["cost"]
    for sampler, stages in (
        ("BAGANSampler", ["autoencoder", "gan"]),
        ("GAMOSampler", ["gan"]),
    ):
        fit = items[f"fit__fashion_mnist-gamo-n200__{sampler}"]["result"]
        assert [stage["stage"] for stage in fit["stages"]] == stages
        assert all(stage["steps"] > 0 for stage in fit["stages"])
        ratio = fit["cost"]["fit_seconds"] / smote["fit_seconds"]
        assert _positive_finite(ratio)
        assert fit["cost"]["peak_rss_mb"] > 0

        efficiency = items[f"efficiency__fashion_mnist-gamo-n200__{sampler}"]
        result = efficiency["result"]
        assert [stage["stage"] for stage in result["stages"]] == stages
        ceiling = result["matmul_flops_per_s"]["float32"]
        for stage in result["stages"]:
            assert all(f > 0 for f in stage["flops_per_step"].values())
            assert stage["epoch_flops"] > 0
            assert stage["largest_layer"]["flops"] > 0
            assert _positive_finite(stage["achieved_flops_per_s"] / ceiling)
            layer_ceiling = stage["layer_gemm_flops_per_s"]["float32"]
            assert _positive_finite(stage["achieved_flops_per_s"] / layer_ceiling)

        rows = items[f"generation__fashion_mnist-gamo-n200__{sampler}"]["result"]
        assert all(row["images_per_second"] > 0 for row in rows["rows"])
    bagan = items["generation__fashion_mnist-gamo-n200__BAGANSampler"]["result"]
    assert {row["discriminator_filter"] for row in bagan["rows"]} == {True, False}

    sizes = ("60", "120")
    times = [
        items[f"fit__fashion_mnist-gamo-n{n}__BAGANSampler"]["result"]["cost"][
            "fit_seconds"
        ]
        for n in sizes
    ]
    assert math.isfinite(performance.loglog_slope([60, 120], times))
    upsampled = items["fit__fashion_mnist-gamo-n60-64x64__BAGANSampler"]["result"]
    assert upsampled["image_shape"] == [64, 64]
    cifar = items["fit__cifar10_jpeg-gamo-n60__GAMOSampler"]["result"]
    assert cifar["image_shape"] == [32, 32, 3]


@pytest.mark.real_data
def test_rerun_skips_finished_items(quick_run, monkeypatch, tmp_path):
    output_dir, argv = quick_run
    copy = tmp_path / "copy"
    shutil.copytree(output_dir, copy)
    measured = _measured_keys(monkeypatch)
    assert performance.main([*argv, "--output-dir", str(copy)]) == 0
    assert measured == []
    assert _results(copy) == _results(output_dir)
    # Fewer sections: the report has only those, from the stored items.
    argv_fit = [*argv, "--sections", "fit", "--output-dir", str(copy)]
    assert performance.main(argv_fit) == 0
    report = (copy / "report.md").read_text()
    assert SECTION_TITLES[0] in report
    assert not any(title in report for title in SECTION_TITLES[1:])
    assert measured == []


@pytest.mark.real_data
def test_changed_setting_reruns_its_items(quick_run, monkeypatch, tmp_path, capsys):
    output_dir, argv = quick_run
    copy = tmp_path / "copy"
    shutil.copytree(output_dir, copy)
    changed = [*argv, "--n-images", "200", "--output-dir", str(copy)]
    capsys.readouterr()
    assert performance.main([*changed, "--dry-run"]) == 0
    # Lines "<status> ~<estimate>  <key>", then the total.
    lines = [line.split() for line in capsys.readouterr().out.splitlines()]
    status = {words[-1]: words[0] for words in lines[:-1]}
    assert status["generation__fashion_mnist-gamo-n200__BAGANSampler"] == "changed"
    assert status["fit__fashion_mnist-gamo-n200__BAGANSampler"] == "done"

    measured = _measured_keys(monkeypatch)
    assert performance.main(changed) == 0
    assert measured == [
        "generation__fashion_mnist-gamo-n200__BAGANSampler",
        "generation__fashion_mnist-gamo-n200__GAMOSampler",
    ]
    rerun = _results(copy)["generation__fashion_mnist-gamo-n200__GAMOSampler"]
    assert rerun["result"]["n_images"] == 200
    # A fitted sampler that went missing is fitted again.
    (copy / "fitted" / "fit__fashion_mnist-gamo-n200__GAMOSampler.joblib").unlink()
    measured.clear()
    assert performance.main(changed) == 0
    assert measured == ["fit__fashion_mnist-gamo-n200__GAMOSampler"]


@pytest.mark.real_data
def test_an_item_runs_in_a_fresh_process(tmp_path, real_data_home):
    argv = [
        *TINY,
        "--sections",
        "fit",
        "--samplers",
        "GAMOSampler",
        "--fresh-process",
        "--data-home",
        str(real_data_home),
        "--output-dir",
        str(tmp_path),
    ]
    assert performance.main(argv) == 0
    items = _results(tmp_path)
    assert {entry["status"] for entry in items.values()} == {"ok"}
    assert all(entry["settings"]["fresh_process"] for entry in items.values())


def test_flops_of_a_double_backward_are_counted():
    # BAGAN-GP's gradient penalty differentiates through autograd.grad, which
    # torch's FlopCounterMode with its module tracker cannot run.
    layer = torch.nn.Linear(5, 7)
    x = torch.randn(3, 5, requires_grad=True)
    with performance.TotalFlopCounter() as counter:
        (gradient,) = torch.autograd.grad(layer(x).sum(), x, create_graph=True)
        gradient.pow(2).sum().backward()
    assert counter.get_total_flops() >= 2 * 3 * 5 * 7


@pytest.mark.parametrize(
    "layer, x",
    [
        (torch.nn.Conv2d(3, 8, 3, stride=2, padding=1), torch.randn(4, 3, 10, 10)),
        (
            torch.nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1),
            torch.randn(4, 8, 5, 5),
        ),
        (torch.nn.Linear(12, 6), torch.randn(4, 12)),
    ],
)
def test_a_layer_as_gemm_has_the_layers_flops(layer, x):
    output = layer(x)
    m, k, n = performance.gemm_shape(layer, (x,), output)
    with performance.TotalFlopCounter() as counter:
        layer(x)
    assert 2 * m * k * n == counter.get_total_flops()


def test_scaled_profiles_are_capped_at_the_pool():
    fit = performance.gamo_spec("fashion_mnist", 9000)
    assert fit == DatasetSpec(
        name="fashion_mnist-gamo", source="fashion_mnist", profile="gamo"
    )
    for source, n_images, cap in (
        ("fashion_mnist", 2250, 6000),
        ("fashion_mnist", 36_000, 6000),
        ("cifar10_jpeg", 2250, 1000),
    ):
        counts = performance.gamo_spec(source, n_images).profile_counts()
        assert n_images <= sum(counts) <= n_images + 10 and max(counts) <= cap
    assert performance.gamo_spec("fashion_mnist", 60_000).profile_counts() == (
        (6000,) * 10
    )
    with pytest.raises(ValueError, match="pool"):
        performance.gamo_spec("cifar10_jpeg", 10_001)


def test_loglog_slope_is_the_power():
    assert performance.loglog_slope([1, 2, 4], [3, 6, 12]) == pytest.approx(1.0)
    assert performance.loglog_slope([10, 20], [1, 4]) == pytest.approx(2.0)
    assert performance.loglog_slope([10], [1]) is None
