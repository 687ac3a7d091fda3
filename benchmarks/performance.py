"""Fit time, training efficiency, generation speed and scaling of the GAN samplers.

The measurements of issue #26, by one command that changes nothing in the
package::

    PYTHONPATH=benchmarks python benchmarks/performance.py \\
        [--sections fit,efficiency,generation,scaling] [--samplers BAGANSampler,...] \\
        [--sizes 2250,9000,36000,60000] [--quick] [--dry-run] \\
        [--output-dir benchmarks/results_performance]

Sections (``docs/user_guide/performance.rst`` says how to read them):

fit
    ``fit_resample`` of every GAN sampler with its default parameters on
    Fashion-MNIST ``[4000, ..., 40]``: wall time, peak resident memory and
    the time of each training stage, beside SMOTE in the same run.
efficiency
    Achieved FLOP/s of one training epoch of each stage against the same
    machine's matmul ceiling, measured in the same process.
generation
    ``generate`` throughput (images per second) of the samplers fitted in
    the fit section, per precision and discriminator filter.
scaling
    Fit time and peak memory against the number of training images and the
    image size, with the empirical exponent of time in the number of images.

Every measured item (one sampler in one section on one training set) is
stored in ``results.json`` as soon as it finishes, with the settings it ran
under (sampler parameters, data, seed, device, threads, machine, torch
version); a rerun skips the finished items and recomputes those whose
settings changed. ``report.md`` is rewritten at the end of every run.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import functools
import inspect
import json
import math
import multiprocessing
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import configs
import joblib
import numpy as np
import torch
from _protocols import build_sampler, environment, load_dataset, resample_with_cost
from _timing import (
    filter_settings,
    generation_labels,
    images_per_second,
    synchronize,
)
from configs import DatasetSpec, Experiment
from run import _log, _split, write_json_atomic
from sklearn.utils import Bunch
from torch.utils.flop_counter import FlopCounterMode

import skgan_sampler
from skgan_sampler import _training
from skgan_sampler.datasets import GAMO_PROFILE

SECTIONS = ("fit", "efficiency", "generation", "scaling")
SMOTE = "SMOTE"
DEFAULT_OUTPUT_DIR = Path(__file__).resolve().parent / "results_performance"

# Training images per class of each source's pool: the GAMO profile scaled
# beyond them is capped there (configs: the CIFAR-10 copy's 1,000).
POOL_PER_CLASS = {"fashion_mnist": 6000, "cifar10_jpeg": configs.CIFAR_COPY_PER_CLASS}
FIT_N = sum(GAMO_PROFILE)
DEFAULT_SIZES = (2250, FIT_N, 36_000, 60_000)
# The largest GAMO-shaped set the CIFAR-10 copy holds (its largest class is
# 1,000 images), so the image-size comparison is at one n for all sizes.
IMAGE_SIZE_N = 2250
UPSAMPLED_SIDE = 64
N_IMAGES = 20_000
REPEATS = 3
MATMUL_SIZE = 2048
FLOP_PROBES = 3
# Shortest timed span of one ceiling measurement: small GEMMs repeat until
# it is reached, so the timer's resolution does not matter.
MIN_TIMED_SECONDS = 0.1

# --quick: a Fashion-MNIST slice, one epoch per stage, small everything.
QUICK_FIT_N = 200
QUICK_SIZES = (100, QUICK_FIT_N, 400)
QUICK_IMAGE_SIZE_N = 100
QUICK_N_IMAGES = 2000
QUICK_MATMUL_SIZE = 512
ONE_EPOCH = {"ae_epochs": 1, "gan_epochs": 1}

# Generation rate of the estimate, per second: issue #26 measured about
# 10,900 float32 28x28 images per second on 2 cores.
ESTIMATED_IMAGES_PER_SECOND = 10_000
# What a fresh process (imports) and the ceilings add to an item, seconds.
ESTIMATED_PROCESS_SECONDS = 5.0
ESTIMATED_CEILING_SECONDS = 10.0


# --------------------------------------------------------------------------
# What is measured: training sets and items
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CappedSpec(DatasetSpec):
    """A :class:`configs.DatasetSpec` whose scaled counts stop at ``per_class``.

    The GAMO profile scaled past the pool's images per class (6,000 in
    Fashion-MNIST, 1,000 in the CIFAR-10 copy) keeps its shape only for the
    classes below the cap; the imbalance ratio falls, down to a balanced
    set at ten times the cap.
    """

    per_class: int | None = None

    def profile_counts(self) -> tuple[int, ...] | None:
        counts = super().profile_counts()
        if counts is None or self.per_class is None:
            return counts
        return tuple(min(self.per_class, count) for count in counts)

    def describe(self) -> str:
        return f"{super().describe()}; at most {self.per_class} images per class"


def gamo_spec(source: str, n_images: int) -> DatasetSpec:
    """The GAMO profile scaled to about ``n_images`` training images of ``source``.

    ``fashion_mnist`` at 9,000 is the benchmark's ``fashion_mnist-gamo``
    itself; other sizes scale the profile (at least 6 per class) and cap it
    at the pool's images per class, by the smallest scale whose counts reach
    ``n_images`` (rounding may add a few).

    Raises
    ------
    ValueError
        If ``n_images`` is more than the source's pool holds.
    """
    cap = POOL_PER_CLASS[source]
    if n_images == FIT_N and max(GAMO_PROFILE) <= cap:
        return DatasetSpec(name=f"{source}-gamo", source=source, profile="gamo")
    if n_images > cap * len(GAMO_PROFILE):
        raise ValueError(
            f"{n_images} images is more than {source}'s training pool holds "
            f"({cap} per class)."
        )

    def total(scale: float) -> int:
        spec = CappedSpec(name="", source=source, profile="gamo", scale=scale)
        counts = dataclasses.replace(spec, per_class=cap).profile_counts()
        return sum(counts)

    low, high = 0.0, cap / min(GAMO_PROFILE)
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (low, middle) if total(middle) >= n_images else (middle, high)
    return CappedSpec(
        name=f"{source}-gamo-n{n_images}",
        source=source,
        profile="gamo",
        # Rounded up, which keeps the total at n_images or a few more.
        scale=math.ceil(high * 1e4) / 1e4,
        per_class=cap,
    )


@dataclass(frozen=True)
class TrainingSet:
    """A dataset spec, optionally upsampled to ``side`` x ``side`` pixels."""

    spec: DatasetSpec
    side: int | None = None

    @property
    def name(self) -> str:
        suffix = "" if self.side is None else f"-{self.side}x{self.side}"
        return f"{self.spec.name}{suffix}"

    def settings(self) -> dict[str, Any]:
        return {"spec": dataclasses.asdict(self.spec), "upsample_to": self.side}

    def n_images(self) -> int:
        return sum(self.spec.profile_counts())


def upsample(X: np.ndarray, image_shape: tuple[int, ...], side: int) -> np.ndarray:
    """Channels-last uint8 image rows resized to ``side`` x ``side`` (bilinear).

    Returns the rows flattened in C order, as the samplers read them.
    """
    n_rows = len(X)
    height, width = image_shape[:2]
    channels = image_shape[2] if len(image_shape) == 3 else 1
    images = torch.as_tensor(X.reshape(n_rows, height, width, channels))
    images = images.permute(0, 3, 1, 2).float()
    resized = torch.nn.functional.interpolate(
        images, size=(side, side), mode="bilinear", align_corners=False
    )
    resized = resized.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)
    return resized.reshape(n_rows, -1).numpy()


def load_training_set(
    training_set: TrainingSet, seed: int, data_home: str | None
) -> Bunch:
    """``X`` (uint8 rows), ``y`` and ``image_shape`` of a training set."""
    data = load_dataset(training_set.spec, seed, data_home=data_home)
    X, image_shape = data.X_train, tuple(data.image_shape)
    if training_set.side is not None:
        X = upsample(X, image_shape, training_set.side)
        image_shape = (training_set.side, training_set.side, *image_shape[2:])
    return Bunch(X=X, y=data.y_train, image_shape=image_shape)


@dataclass(frozen=True)
class Options:
    """How the items of one run are measured.

    ``data_home`` and ``output_dir`` say where, not what: they are not
    settings of a result.
    """

    seed: int = 0
    device: str = "auto"
    quick: bool = False
    n_images: int = N_IMAGES
    repeats: int = REPEATS
    matmul_size: int = MATMUL_SIZE
    flop_probes: int = FLOP_PROBES
    torch_threads: int | None = None
    fresh_process: bool = True
    data_home: str | None = None
    output_dir: str = str(DEFAULT_OUTPUT_DIR)


@functools.cache
def _machine() -> dict[str, Any]:
    """The machine a result depends on (not the host name, which changes)."""
    machine = dict(environment()["machine"])
    machine.pop("hostname")
    return machine


def resolved_device(device: str) -> torch.device:
    """The device the samplers train on for a ``device`` parameter."""
    return _training.resolve_device(device)


def precisions(device: torch.device) -> dict[str, torch.dtype]:
    """float32, and bfloat16 where the device supports it."""
    if device.type == "cuda":
        bfloat16 = torch.cuda.is_bf16_supported()
    else:
        # oneDNN's own check for AVX-512 or AMX bfloat16; a private op, so a
        # torch without it is taken for a CPU without bfloat16.
        check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
        bfloat16 = torch.backends.mkldnn.is_available() and bool(check and check())
    names = {"float32": torch.float32}
    if bfloat16:
        names["bfloat16"] = torch.bfloat16
    return names


@dataclass(frozen=True)
class Item:
    """One measurement: a sampler of a section on a training set.

    ``kind`` is ``"fit"`` (the fit and scaling sections), ``"efficiency"``
    or ``"generation"`` (timed on the fit item's fitted sampler). A fit item
    with ``keep_model`` stores its fitted sampler for the generation section
    (:func:`model_path`); that is not a setting of its result.
    """

    kind: str
    sampler: str
    data: TrainingSet
    options: Options
    keep_model: bool = False

    @property
    def key(self) -> str:
        return f"{self.kind}__{self.data.name}__{self.sampler}"

    def overrides(self) -> dict[str, Any]:
        """Parameters set on a GAN sampler besides its defaults."""
        overrides: dict[str, Any] = {}
        if self.kind == "efficiency" or self.options.quick:
            overrides.update(ONE_EPOCH)
        if self.options.device != "auto":
            overrides["device"] = self.options.device
        return overrides

    def build(self, image_shape: tuple[int, ...] | None) -> Any:
        """The unfitted sampler: defaults, ``random_state``, ``image_shape``."""
        seed = self.options.seed
        if self.sampler == SMOTE:
            # The benchmark's SMOTE: float32 rows through make_float_pipeline.
            return build_sampler(
                SMOTE,
                image_shape=image_shape,
                seed=seed,
                experiment=Experiment(dataset=self.data.spec, seeds=(seed,)),
                smallest_count=min(self.data.spec.profile_counts()),
            )
        sampler = getattr(skgan_sampler, self.sampler)(
            image_shape=image_shape, random_state=seed
        )
        known = sampler.get_params(deep=False)
        return sampler.set_params(
            **{k: v for k, v in self.overrides().items() if k in known}
        )

    def model_item(self) -> Item:
        """The fit item whose fitted sampler a generation item times."""
        return dataclasses.replace(self, kind="fit", keep_model=True)

    def settings(self) -> dict[str, Any]:
        """Everything the result depends on; a change reruns the item."""
        params = self.build(None).get_params(deep=False)
        params.pop("image_shape", None)  # a property of the data
        settings = {
            "kind": self.kind,
            "sampler": self.sampler,
            "params": {name: repr(value) for name, value in sorted(params.items())},
            "data": self.data.settings(),
            "seed": self.options.seed,
            "device": self.options.device,
            "torch_threads": self.options.torch_threads or torch.get_num_threads(),
            "torch": torch.__version__,
            "machine": _machine(),
            "fresh_process": self.options.fresh_process,
        }
        if self.kind == "efficiency":
            settings.update(
                matmul_size=self.options.matmul_size,
                flop_probes=self.options.flop_probes,
            )
        if self.kind == "generation":
            settings.update(
                n_images=self.options.n_images,
                repeats=self.options.repeats,
                model=self.model_item().settings(),
            )
        return _plain(settings)


def _plain(value: Any) -> Any:
    """``value`` as it reads back from JSON, so that stored settings compare."""
    return json.loads(json.dumps(value, sort_keys=True, default=repr))


def model_path(item: Item) -> Path:
    """Where a fit item stores its fitted sampler for the generation section."""
    return Path(item.options.output_dir) / "fitted" / f"{item.key}.joblib"


@dataclass(frozen=True)
class Plan:
    """What one run measures: sections, samplers, sizes and options."""

    sections: tuple[str, ...]
    samplers: tuple[str, ...]
    sizes: tuple[int, ...]
    image_size_n: int
    options: Options

    def fit_data(self) -> TrainingSet:
        """The fit, efficiency and generation sections' training set."""
        n_images = QUICK_FIT_N if self.options.quick else FIT_N
        return TrainingSet(gamo_spec("fashion_mnist", n_images))

    def size_sets(self) -> list[TrainingSet]:
        """Fashion-MNIST at each of the scaling section's sizes."""
        return [TrainingSet(gamo_spec("fashion_mnist", n)) for n in self.sizes]

    def image_sets(self) -> dict[str, TrainingSet]:
        """The scaling section's image sizes at ``image_size_n``, by label."""
        fashion = gamo_spec("fashion_mnist", self.image_size_n)
        side = UPSAMPLED_SIDE
        return {
            "28x28 (Fashion-MNIST)": TrainingSet(fashion),
            "32x32x3 (CIFAR-10 lossy JPEG copy)": TrainingSet(
                gamo_spec("cifar10_jpeg", self.image_size_n)
            ),
            f"{side}x{side} (Fashion-MNIST upsampled)": TrainingSet(fashion, side),
        }

    def item(self, kind: str, sampler: str, data: TrainingSet) -> Item:
        return Item(kind, sampler, data, self.options)

    def items(self) -> list[Item]:
        """The items of the sections, in run order, without duplicates.

        The generation section needs the fit section's fitted samplers, so
        it plans their fit items too; the scaling section's item at the fit
        section's size is the fit section's.
        """
        fit_data = self.fit_data()
        planned = []
        if "generation" in self.sections:
            generation = [self.item("generation", s, fit_data) for s in self.samplers]
            planned += [item.model_item() for item in generation]
        elif "fit" in self.sections:
            planned += [self.item("fit", s, fit_data) for s in self.samplers]
        if "fit" in self.sections:
            planned.append(self.item("fit", SMOTE, fit_data))
        for kind in ("efficiency", "generation"):
            if kind in self.sections:
                planned += [self.item(kind, s, fit_data) for s in self.samplers]
        if "scaling" in self.sections:
            for data in [*self.size_sets(), *self.image_sets().values()]:
                planned += [self.item("fit", s, data) for s in self.samplers]
        # Items of one key differ at most in keep_model; the first counts,
        # which is the generation section's fit item where there is one.
        unique: dict[str, Item] = {}
        for item in planned:
            unique.setdefault(item.key, item)
        return list(unique.values())


# --------------------------------------------------------------------------
# Stage times and FLOPs: the package's train_stage, wrapped from outside
# --------------------------------------------------------------------------


def gemm_shape(
    module: torch.nn.Module, inputs: tuple, output: Any
) -> tuple[int, int, int] | None:
    """(M, K, N) of the matrix product a layer's forward pass amounts to.

    The arguments are a forward hook's. A convolution lowered by im2col:
    ``M = batch * H_out * W_out``, ``K = C_in / groups * k_h * k_w``, ``N =
    C_out``; a transposed convolution as the product that scatters each input
    pixel (``M = batch * H_in * W_in``, ``K = C_in``, ``N = C_out / groups *
    k_h * k_w``); a linear layer ``M`` rows of ``K`` inputs to ``N`` outputs.
    2MKN is the layer's FLOPs. None for any other module.
    """
    x = inputs[0] if inputs else None
    if not isinstance(x, torch.Tensor):
        return None
    if isinstance(module, torch.nn.ConvTranspose2d) and x.dim() == 4:
        batch, c_in, height, width = x.shape
        per_group, k_h, k_w = module.weight.shape[1:]
        return batch * height * width, c_in, per_group * k_h * k_w
    if isinstance(module, torch.nn.Conv2d) and x.dim() == 4:
        c_out, per_group, k_h, k_w = module.weight.shape
        h_out, w_out = output.shape[-2:]
        return x.shape[0] * h_out * w_out, per_group * k_h * k_w, c_out
    if isinstance(module, torch.nn.Linear):
        return x.numel() // module.in_features, module.in_features, module.out_features
    return None


class _NoModuleTracker:
    """A module tracker that tracks nothing: every FLOP goes to "Global"."""

    parents = frozenset({"Global"})

    def __enter__(self) -> _NoModuleTracker:
        return self

    def __exit__(self, *exc_info) -> None:
        return None


class TotalFlopCounter(FlopCounterMode):
    """:class:`~torch.utils.flop_counter.FlopCounterMode` counting totals only.

    Its per-module breakdown hooks the inputs of every module for the
    backward pass, which breaks ``torch.autograd.grad`` on a leaf tensor
    (BAGAN-GP's gradient penalty; pytorch/pytorch#131753, open in torch
    2.13). Only the total is needed here, so the tracker is replaced by one
    that does nothing; the FLOP formulas are torch's.
    """

    def __init__(self) -> None:
        super().__init__(display=False)
        self.mod_tracker = _NoModuleTracker()


def count_step_flops(
    step: Callable[[torch.Tensor], Any],
    batch_sizes: collections.Counter,
    n_samples: int,
    device: torch.device,
    probes: int,
) -> dict[str, Any]:
    """FLOPs of a stage's steps, counted by calling its own step function again.

    ``step`` is the closure the sampler passed to ``train_stage``: one
    optimiser update per network of the stage, forward and backward passes
    (and a gradient penalty's double backward) included. It is called on
    fresh random mini-batches of each size in ``batch_sizes`` (the sizes of
    the epoch just timed; ``probes`` calls for the full size, whose count can
    vary when a step draws extra rows of a random class) under
    :class:`TotalFlopCounter` (torch's ``FlopCounterMode``), which counts the
    matrix products and convolutions of the forward and backward passes, not
    element-wise work or the optimiser's update. A global forward hook notes
    the layer with the most FLOPs, for the ceiling of its shape.

    Returns
    -------
    counts : dict
        ``flops_per_step`` by batch size, ``epoch_flops`` (the sum over the
        epoch's steps) and ``largest_layer`` (its type, GEMM shape, FLOPs).
    """
    layers: list[tuple[str, tuple[int, int, int]]] = []

    def note_layer(module, inputs, output):
        shape = gemm_shape(module, inputs, output)
        if shape is not None:
            layers.append((type(module).__name__, shape))

    flops: dict[int, float] = {}
    handle = torch.nn.modules.module.register_module_forward_hook(note_layer)
    try:
        for size in sorted(batch_sizes):
            counts = []
            for _ in range(probes if size == max(batch_sizes) else 1):
                batch = torch.randperm(n_samples, device=device)[:size]
                with TotalFlopCounter() as counter:
                    step(batch)
                counts.append(counter.get_total_flops())
            flops[size] = float(np.mean(counts))
    finally:
        handle.remove()
    largest = None
    if layers:
        name, (m, k, n) = max(layers, key=lambda layer: math.prod(layer[1]))
        largest = {"layer": name, "gemm": [m, k, n], "flops": 2 * m * k * n}
    return {
        "flops_per_step": {str(size): value for size, value in flops.items()},
        "epoch_flops": sum(batch_sizes[size] * flops[size] for size in flops),
        "largest_layer": largest,
    }


@contextlib.contextmanager
def recorded_stages(flop_probes: int = 0) -> Iterator[list[dict[str, Any]]]:
    """Time every training stage of the samplers fitted inside the block.

    The package keeps per-epoch losses in ``history_``, not times. Every
    stage of every sampler runs through ``skgan_sampler._training.
    train_stage``, which the recipes import by name; inside the block each
    module's name is bound to a wrapper (the package's files are not
    touched), which times the call (synchronising a GPU before and after),
    counts its steps and batch sizes and, with ``flop_probes``, calls
    :func:`count_step_flops` after the stage.

    Yields
    ------
    records : list of dict
        One per stage, in training order, filled as the stages finish:
        ``stage``, ``seconds``, ``steps``, ``batch_sizes`` and the FLOP
        counts.
    """
    original = _training.train_stage
    signature = inspect.signature(original)
    records: list[dict[str, Any]] = []

    def recording_train_stage(*args, **kwargs):
        arguments = signature.bind(*args, **kwargs).arguments
        step = arguments["step"]
        batch_sizes: collections.Counter = collections.Counter()

        def counted_step(batch):
            batch_sizes[len(batch)] += 1
            return step(batch)

        arguments["step"] = counted_step
        synchronize()
        start = time.perf_counter()
        original(**arguments)
        synchronize()
        record = {
            "stage": arguments["stage"],
            "seconds": time.perf_counter() - start,
            "steps": sum(batch_sizes.values()),
            "batch_sizes": {str(k): v for k, v in sorted(batch_sizes.items())},
        }
        if flop_probes and batch_sizes:
            record.update(
                count_step_flops(
                    step,
                    batch_sizes,
                    arguments["n_samples"],
                    arguments["device"],
                    flop_probes,
                )
            )
        records.append(record)

    modules = [
        module
        for name, module in list(sys.modules.items())
        if name.partition(".")[0] == "skgan_sampler"
        and getattr(module, "train_stage", None) is original
    ]
    for module in modules:
        module.train_stage = recording_train_stage
    try:
        yield records
    finally:
        for module in modules:
            module.train_stage = original


def gemm_flops_per_second(
    m: int, k: int, n: int, dtype: torch.dtype, device: torch.device
) -> float:
    """FLOP/s of ``torch.mm`` of an (M, K) by a (K, N) matrix: the ceiling.

    oneDNN (or MKL) on a CPU, cuBLAS on a GPU. After a warm-up call (which
    builds the kernel), the product is repeated for at least
    :data:`MIN_TIMED_SECONDS`; the best of three such spans counts.
    """
    a = torch.randn(m, k, device=device).to(dtype)
    b = torch.randn(k, n, device=device).to(dtype)
    out = torch.mm(a, b)
    synchronize()
    start = time.perf_counter()
    torch.mm(a, b, out=out)
    synchronize()
    once = max(time.perf_counter() - start, 1e-9)
    inner = max(1, math.ceil(MIN_TIMED_SECONDS / once))
    best = math.inf
    for _ in range(3):
        synchronize()
        start = time.perf_counter()
        for _ in range(inner):
            torch.mm(a, b, out=out)
        synchronize()
        best = min(best, (time.perf_counter() - start) / inner)
    return 2 * m * k * n / best


# --------------------------------------------------------------------------
# Measuring one item (in this process or a fresh one)
# --------------------------------------------------------------------------


def measure(item: Item) -> dict[str, Any]:
    """Measure one item; the result is JSON-ready (no files but the model)."""
    if item.options.torch_threads:
        torch.set_num_threads(item.options.torch_threads)
    measure_kind = {
        "fit": _measure_fit,
        "efficiency": _measure_efficiency,
        "generation": _measure_generation,
    }[item.kind]
    return {**measure_kind(item), "environment": environment()}


def _measure_fit(item: Item) -> dict[str, Any]:
    data = load_training_set(item.data, item.options.seed, item.options.data_home)
    sampler = item.build(data.image_shape)
    with recorded_stages() as stages:
        # fit_resample returns host arrays, so the GPU is done when it returns.
        synchronize()
        _, y_fit, cost = resample_with_cost(sampler, data.X, data.y)
    if item.keep_model:
        path = model_path(item)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(sampler, path)
    return {
        "n_train": len(data.y),
        "train_counts": np.bincount(data.y).tolist(),
        "n_generated": len(y_fit) - len(data.y),
        "image_shape": list(data.image_shape),
        "cost": cost,
        "stages": stages,
    }


def _measure_efficiency(item: Item) -> dict[str, Any]:
    data = load_training_set(item.data, item.options.seed, item.options.data_home)
    sampler = item.build(data.image_shape)
    with recorded_stages(item.options.flop_probes) as stages:
        sampler.fit_resample(data.X, data.y)
    device = resolved_device(item.options.device)
    dtypes = precisions(device)
    for stage in stages:
        stage["achieved_flops_per_s"] = stage["epoch_flops"] / stage["seconds"]
        layer = stage["largest_layer"]
        stage["layer_gemm_flops_per_s"] = {
            name: gemm_flops_per_second(*layer["gemm"], dtype, device)
            for name, dtype in dtypes.items()
            if layer is not None
        }
    size = item.options.matmul_size
    return {
        "n_train": len(data.y),
        "device": str(device),
        "stages": stages,
        "matmul_size": size,
        "matmul_flops_per_s": {
            name: gemm_flops_per_second(size, size, size, dtype, device)
            for name, dtype in dtypes.items()
        },
    }


def _measure_generation(item: Item) -> dict[str, Any]:
    sampler = joblib.load(model_path(item.model_item()))
    labels = generation_labels(sampler, item.options.n_images)
    rows = []
    for discriminator_filter in filter_settings(sampler):
        if discriminator_filter is not None:
            sampler.set_params(discriminator_filter=discriminator_filter)
        for precision in precisions(resolved_device(item.options.device)):
            sampler.set_params(generation_precision=precision)
            rate = images_per_second(sampler, labels, item.options.repeats)
            rows.append(
                {
                    "discriminator_filter": discriminator_filter,
                    "precision": precision,
                    "images_per_second": rate,
                }
            )
    return {
        "n_images": len(labels),
        "classes": np.unique(labels).tolist(),
        "rows": rows,
    }


def execute(item: Item) -> dict[str, Any]:
    """:func:`measure`, in a fresh process when the options ask for one.

    A fresh (spawned) process per item makes a peak resident memory that of
    the item alone, not of everything measured before it in a long run.
    """
    if not item.options.fresh_process:
        return measure(item)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(measure, item).result()


# --------------------------------------------------------------------------
# Resume, plan and run
# --------------------------------------------------------------------------


def load_results(output_dir: Path) -> dict[str, Any]:
    """The stored ``results.json`` of a run folder (no items when absent)."""
    try:
        return json.loads((output_dir / "results.json").read_text())
    except (OSError, json.JSONDecodeError):
        return {"items": {}}


def item_status(item: Item, results: dict[str, Any]) -> str:
    """ "done", "pending", "failed", "changed" (other settings) or "no model"
    (a finished fit item whose fitted sampler the generation section needs
    but which is not on disk)."""
    entry = results["items"].get(item.key)
    if entry is None:
        return "pending"
    if entry["status"] != "ok":
        return "failed"
    if entry["settings"] != item.settings():
        return "changed"
    if item.keep_model and not model_path(item).exists():
        return "no model"
    return "done"


def estimate_seconds(item: Item) -> float:
    """Rough wall time of an item on an idle 2-core CPU, in seconds.

    Training from ``configs``' cost model (per-epoch costs measured on 28x28
    images; it ran low against real runs), scaled by the pixel count for
    upsampled images; generation at :data:`ESTIMATED_IMAGES_PER_SECOND`.
    """
    overhead = ESTIMATED_PROCESS_SECONDS if item.options.fresh_process else 0.0
    if item.sampler == SMOTE:
        return overhead + configs.CELL_OVERHEAD_S
    sampler = item.build(None)
    if item.kind == "generation":
        n_calls = len(filter_settings(sampler)) * 2 * item.options.repeats
        return overhead + n_calls * item.options.n_images / ESTIMATED_IMAGES_PER_SECOND
    experiment = Experiment(
        dataset=item.data.spec, seeds=(0,), cnn_epochs=0, n_generated_per_class=0
    )
    seconds = configs.estimate_cell_seconds(
        experiment, item.sampler, sampler.get_params(deep=False)
    )
    if item.data.side is not None:
        seconds *= item.data.side**2 / 28**2
    if item.kind == "efficiency":
        seconds += ESTIMATED_CEILING_SECONDS
    return overhead + seconds


def print_plan(items: Sequence[Item], results: dict[str, Any]) -> float:
    """Print each item's status and estimated time; return the total to run."""
    total = 0.0
    for item in items:
        status = item_status(item, results)
        seconds = estimate_seconds(item)
        if status != "done":
            total += seconds
        print(f"{status:8s} ~{configs.format_seconds(seconds)}  {item.key}")
    print(
        f"estimated time of the items still to run: {configs.format_seconds(total)} "
        "on an idle 2-core CPU (configs' rough cost model, which ran low against "
        "real runs)"
    )
    return total


def run_items(
    items: Sequence[Item], results: dict[str, Any], output_dir: Path
) -> list[str]:
    """Measure the items not finished yet; store each result as it arrives.

    A failing item is stored as an error record (retried on the next run)
    and the run goes on. Returns the keys measured in this call.
    """
    measured = []
    for item in items:
        status = item_status(item, results)
        if status == "done":
            _log(f"done     {item.key} (stored)")
            continue
        _log(f"start    {item.key} ({status})")
        started = time.perf_counter()
        entry: dict[str, Any] = {"kind": item.kind, "settings": item.settings()}
        try:
            entry.update(status="ok", result=_plain(execute(item)))
        except Exception as exc:  # noqa: BLE001 - stored and reported
            entry.update(
                status="error",
                error=f"{type(exc).__name__}: {exc}",
                traceback=traceback.format_exc(),
            )
        entry.update(
            seconds=time.perf_counter() - started,
            finished_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
        )
        results["items"][item.key] = entry
        write_json_atomic(output_dir / "results.json", results)
        measured.append(item.key)
        outcome = "finished" if entry["status"] == "ok" else "FAILED  "
        _log(f"{outcome} {item.key} in {entry['seconds']:.1f} s")
    return measured


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _mib(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _giga(value: float | None) -> str:
    return "—" if value is None else f"{value / 1e9:,.1f}"


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "—"
    ratio = numerator / denominator
    return f"{ratio:.2f}" if ratio < 10 else f"{ratio:,.0f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def loglog_slope(sizes: Sequence[float], values: Sequence[float]) -> float | None:
    """Least-squares slope of log(value) on log(size): the empirical exponent.

    None with fewer than two distinct sizes.
    """
    if len(set(sizes)) < 2:
        return None
    return float(np.polyfit(np.log(sizes), np.log(values), 1)[0])


def _finished(plan: Plan, results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Results of the plan's items stored with the plan's settings, by key."""
    return {
        item.key: results["items"][item.key]["result"]
        for item in plan.items()
        if item_status(item, results) in ("done", "no model")
    }


def _header(plan: Plan, command: str) -> list[str]:
    env = environment()
    machine = env["machine"]
    device = resolved_device(plan.options.device)
    names = precisions(device)
    generation = _training.generation_dtype("auto", device, convolutional=True)
    hardware = f"{machine['cpu']}, {machine['cores']} cores"
    if machine["gpu"]:
        hardware += f"; GPU {machine['gpu']}"
    isolation = (
        "a fresh process per measurement, so a peak memory is that measurement's alone"
        if plan.options.fresh_process
        else "one process for all measurements, so a peak memory includes what "
        "earlier measurements left"
    )
    lines = [
        "# Performance of the GAN samplers (issue #26)",
        "",
        f"Written by `benchmarks/performance.py` on {time.strftime('%Y-%m-%d')}: "
        f"`{command}`.",
        "",
        f"- Machine: {hardware}.",
        f"- torch {env['versions']['torch']}, torch threads: "
        f"{env['torch_threads']}; device `{device}`; skgan_sampler "
        f"{env['versions']['skgan_sampler']}.",
        "- Precision: training in float32 (the package always trains in "
        'float32); generation with the default `generation_precision="auto"`, '
        + (
            "which here is bfloat16 for convolutional generators, float32 for GAMO's"
            if generation == torch.bfloat16
            else "which here is float32 (bfloat16 only on CPUs with AMX)"
        )
        + "; bfloat16 "
        + ("is" if "bfloat16" in names else "is not")
        + " supported here (oneDNN's check on a CPU; sections 2 and 3 measure "
        "it where it is).",
        f"- Seed {plan.options.seed}; {isolation}.",
    ]
    if plan.options.quick:
        lines.append(
            "- **--quick**: a smoke test on tiny data with one epoch per stage; "
            "its numbers are not evidence of anything."
        )
    return lines


def _stage_cell(stages: Sequence[dict[str, Any]]) -> str:
    return "; ".join(
        f"{s['stage']} {_seconds(s['seconds'])} s ({s['steps']:,} steps, "
        f"{1000 * s['seconds'] / max(s['steps'], 1):.1f} ms/step)"
        for s in stages
    )


def _fit_section(plan: Plan, done: dict[str, dict[str, Any]]) -> list[str]:
    data = plan.fit_data()
    smote = done.get(plan.item("fit", SMOTE, data).key)
    smote_seconds = smote["cost"]["fit_seconds"] if smote else None
    gpu = any(
        (done.get(plan.item("fit", s, data).key) or {})
        .get("cost", {})
        .get("gpu_peak_mb")
        for s in plan.samplers
    )
    header = ["method", "fit_resample (s)", "× SMOTE", "peak RSS (MiB)"]
    header += ["RSS increase (MiB)", *(["GPU peak (MiB)"] if gpu else [])]
    header += ["training stages", "other (s)"]
    rows = []
    for sampler in [*plan.samplers, SMOTE]:
        result = done.get(plan.item("fit", sampler, data).key)
        if result is None:
            rows.append([sampler, "not measured", *[""] * (len(header) - 2)])
            continue
        cost = result["cost"]
        staged = sum(s["seconds"] for s in result["stages"])
        row = [
            sampler,
            _seconds(cost["fit_seconds"]),
            _ratio(cost["fit_seconds"], smote_seconds),
            _mib(cost["peak_rss_mb"]),
            _mib(cost["peak_rss_delta_mb"]),
        ]
        row += [_mib(cost["gpu_peak_mb"])] if gpu else []
        row += [
            _stage_cell(result["stages"]) or "—",
            _seconds(cost["fit_seconds"] - staged) if result["stages"] else "—",
        ]
        rows.append(row)
    params = "`random_state`, `image_shape`"
    if plan.options.quick:
        params += ", one epoch per stage"
    return [
        "## 1. Fit time",
        "",
        f"`fit_resample` of each sampler with its default parameters (plus "
        f"{params}) on {data.spec.describe()}: {data.n_images():,} training "
        "images; SMOTE (imbalanced-learn's defaults, on float32 rows through "
        "`skgan_sampler.preprocessing.make_float_pipeline`) in the same run. "
        "Peak RSS is the largest resident memory of the process during the "
        "call, sampled every 5 ms; the increase is over the memory before the "
        "call. Training stages are timed by wrapping the package's "
        "`train_stage` from outside (`history_` holds per-epoch losses, not "
        "times); *other* is the rest of the call: input checks, the latent "
        "model, the check that the generator varies and the generation of "
        "the synthetic rows.",
        "",
        *_table(header, rows),
    ]


def _efficiency_section(plan: Plan, done: dict[str, dict[str, Any]]) -> list[str]:
    data = plan.fit_data()
    header = [
        "sampler",
        "stage",
        "steps",
        "epoch (s)",
        "GFLOP per step",
        "achieved GFLOP/s",
        "f32 matmul ceiling (GFLOP/s)",
        "ratio",
        "largest layer as GEMM (M×K×N)",
        "its f32 GEMM (GFLOP/s)",
        "ratio",
        "its bf16 GEMM (GFLOP/s)",
    ]
    rows, ceilings = [], []
    for sampler in plan.samplers:
        result = done.get(plan.item("efficiency", sampler, data).key)
        if result is None:
            rows.append([sampler, "not measured", *[""] * (len(header) - 2)])
            continue
        matmul = result["matmul_flops_per_s"]
        size = result["matmul_size"]
        ceilings.append(
            [sampler, _giga(matmul["float32"]), _giga(matmul.get("bfloat16"))]
        )
        for stage in result["stages"]:
            full = max(stage["flops_per_step"], key=int)
            layer = stage["largest_layer"]
            gemm = stage["layer_gemm_flops_per_s"]
            achieved = stage["achieved_flops_per_s"]
            rows.append(
                [
                    sampler,
                    stage["stage"],
                    f"{stage['steps']:,}",
                    _seconds(stage["seconds"]),
                    f"{stage['flops_per_step'][full] / 1e9:,.3f}",
                    _giga(achieved),
                    _giga(matmul["float32"]),
                    _ratio(achieved, matmul["float32"]),
                    "—"
                    if layer is None
                    else f"{layer['layer']} {'×'.join(map(str, layer['gemm']))}",
                    _giga(gemm.get("float32")),
                    _ratio(achieved, gemm.get("float32")),
                    _giga(gemm.get("bfloat16")),
                ]
            )
    return [
        "## 2. Training efficiency",
        "",
        "Each sampler is fitted once more with its defaults but **one epoch per "
        "stage**, on the data of section 1. *Epoch* is that epoch as "
        "`fit_resample` runs it: the sampler's own step function (one optimiser "
        "update per network, BAGAN-GP's critic steps and gradient penalty "
        "included), its mini-batch loop and loss logging, synchronised before "
        "and after on a GPU. After the epoch the same step function is called "
        f"again on fresh random mini-batches ({plan.options.flop_probes} of the "
        "full size, averaged, and one of each smaller size the epoch had) under "
        "`torch.utils.flop_counter.FlopCounterMode`, which counts the matrix "
        "products and convolutions of the forward and backward passes, not "
        "element-wise work or the optimiser's update. *Achieved* = the epoch's "
        "counted FLOPs (each step's count at its batch size, summed) / the "
        "epoch's time. Ceilings, measured in the same process right after: "
        "`torch.mm` of two square matrices (table below), and the stage's "
        "largest layer (most FLOPs per call) as the matrix product of the same "
        "shape (a convolution lowered by im2col), best of three timed spans of "
        f"at least {MIN_TIMED_SECONDS} s. Training runs in float32, so the "
        "float32 ceilings are the ones to reach; bfloat16 shows what autocast "
        "could gain.",
        "",
        *_table(header, rows),
        "",
        f"Matmul ceilings ({size}×{size} by {size}×{size}), GFLOP/s, measured "
        "beside each sampler:"
        if ceilings
        else "",
        "",
        *(
            _table(["measured beside", "float32", "bfloat16"], ceilings)
            if ceilings
            else []
        ),
    ]


def _generation_section(plan: Plan, done: dict[str, dict[str, Any]]) -> list[str]:
    data = plan.fit_data()
    rows = []
    for sampler in plan.samplers:
        result = done.get(plan.item("generation", sampler, data).key)
        if result is None:
            rows.append([sampler, "not measured", "", ""])
            continue
        for row in result["rows"]:
            setting = row["discriminator_filter"]
            rows.append(
                [
                    sampler,
                    "-" if setting is None else str(setting),
                    row["precision"],
                    f"{row['images_per_second']:,.0f}",
                ]
            )
    header = ["sampler", "discriminator_filter", "precision", "images per second"]
    return [
        "## 3. Generation",
        "",
        f"`generate` of {plan.options.n_images:,} images cycling through the "
        "classes each sampler oversampled (the minority classes), best of "
        f"{plan.options.repeats} calls, by the samplers fitted in section 1 "
        "(default training), with `generation_precision` set to each precision "
        "and, for the samplers that have it, `discriminator_filter` both ways "
        "(default first).",
        "",
        *_table(header, rows),
    ]


def _cost(done: dict[str, dict[str, Any]], item: Item) -> tuple[float, float] | None:
    result = done.get(item.key)
    if result is None:
        return None
    return result["cost"]["fit_seconds"], result["cost"]["peak_rss_mb"]


def _cost_cell(cost: tuple[float, float] | None) -> str:
    return "—" if cost is None else f"{_seconds(cost[0])} s, {_mib(cost[1])} MiB"


def _scaling_section(plan: Plan, done: dict[str, dict[str, Any]]) -> list[str]:
    size_sets = plan.size_sets()
    size_rows = []
    for sampler in plan.samplers:
        costs = [_cost(done, plan.item("fit", sampler, d)) for d in size_sets]
        measured = [
            (d.n_images(), cost[0])
            for d, cost in zip(size_sets, costs, strict=True)
            if cost
        ]
        slope = loglog_slope(*zip(*measured, strict=True)) if measured else None
        size_rows.append(
            [
                sampler,
                *map(_cost_cell, costs),
                "—" if slope is None else f"{slope:.2f}",
            ]
        )
    profiles = [
        [
            f"{d.n_images():,}",
            ", ".join(map(str, d.spec.profile_counts())),
            f"{max(d.spec.profile_counts()) / min(d.spec.profile_counts()):.0f}",
        ]
        for d in size_sets
    ]
    image_sets = plan.image_sets()
    image_rows = [
        [
            sampler,
            *(
                _cost_cell(_cost(done, plan.item("fit", sampler, d)))
                for d in image_sets.values()
            ),
        ]
        for sampler in plan.samplers
    ]
    size_header = [f"n = {d.n_images():,}" for d in size_sets]
    n_image = next(iter(image_sets.values())).n_images()
    return [
        "## 4. Scaling",
        "",
        "`fit_resample` as in section 1 (wall time, peak RSS) on training sets "
        "of the GAMO profile's shape, scaled (`DatasetSpec.scale`) and capped at "
        "the images per class the pool holds (6,000 in Fashion-MNIST, 1,000 in "
        "the CIFAR-10 copy): past that the largest classes stop growing, the "
        "imbalance ratio falls and fewer synthetic rows are generated (none for "
        "a balanced set). The exponent is the least-squares slope of log(fit "
        "time) on log(n): 1 is linear in the number of images.",
        "",
        *_table(["n", "training images per class", "imbalance ratio"], profiles),
        "",
        "Against the number of images (Fashion-MNIST 28×28):",
        "",
        *_table(["sampler", *size_header, "exponent"], size_rows),
        "",
        f"Against the image size, at n = {n_image:,} ({IMAGE_SIZE_N:,} is the "
        "largest GAMO-shaped set the CIFAR-10 copy holds); the 64×64 images "
        "are Fashion-MNIST's, resized bilinearly with "
        "`torch.nn.functional.interpolate`:",
        "",
        *_table(["sampler", *image_sets], image_rows),
    ]


def render_report(plan: Plan, results: dict[str, Any], command: str) -> str:
    """``report.md`` of the plan's finished items (the others show as "—")."""
    done = _finished(plan, results)
    render = {
        "fit": _fit_section,
        "efficiency": _efficiency_section,
        "generation": _generation_section,
        "scaling": _scaling_section,
    }
    lines = _header(plan, command)
    for section in SECTIONS:
        if section in plan.sections:
            lines += ["", *render[section](plan, done)]
    failed = [
        (item.key, results["items"][item.key]["error"])
        for item in plan.items()
        if item_status(item, results) == "failed"
    ]
    if failed:
        lines += ["", "## Failed measurements", ""]
        lines += [f"- `{key}`: {error}" for key, error in failed]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help="comma-separated, of %(default)s",
    )
    parser.add_argument(
        "--samplers", help="comma-separated GAN samplers (default: every one)"
    )
    parser.add_argument(
        "--sizes",
        help="comma-separated training-set sizes of the scaling section "
        f"(default: {','.join(map(str, DEFAULT_SIZES))}; --quick: "
        f"{','.join(map(str, QUICK_SIZES))})",
    )
    parser.add_argument(
        "--image-size-n",
        type=int,
        help=f"training-set size of the image-size comparison (default: "
        f"{IMAGE_SIZE_N}; --quick: {QUICK_IMAGE_SIZE_N})",
    )
    parser.add_argument(
        "--n-images",
        type=int,
        help=f"images per generate call (default: {N_IMAGES}; --quick: "
        f"{QUICK_N_IMAGES})",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        help=f"generate calls, best counts (default: {REPEATS}; --quick: 1)",
    )
    parser.add_argument(
        "--matmul-size",
        type=int,
        help=f"side of the ceiling's square matmul (default: {MATMUL_SIZE}; "
        f"--quick: {QUICK_MATMUL_SIZE})",
    )
    parser.add_argument(
        "--flop-probes",
        type=int,
        help=f"full-batch steps whose FLOPs are counted and averaged (default: "
        f"{FLOP_PROBES}; --quick: 1)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--device",
        default="auto",
        help="the samplers' device parameter (default: %(default)s, a CUDA GPU "
        "when there is one)",
    )
    parser.add_argument(
        "--torch-threads",
        type=int,
        help="torch threads (default: torch's, which follows OMP_NUM_THREADS)",
    )
    parser.add_argument(
        "--fresh-process",
        action=argparse.BooleanOptionalAction,
        help="measure each item in a fresh process, so that its peak memory is "
        "its own (default: yes, no with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny Fashion-MNIST slices, one epoch per stage: a smoke test",
    )
    parser.add_argument(
        "--data-home",
        type=Path,
        default=configs.default_data_home(),
        help="folder of the image datasets (default: %(default)s)",
    )
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="list the items (done / pending / changed) with estimates and exit",
    )
    return parser


def make_plan(args: argparse.Namespace) -> Plan:
    """The plan of the parsed command line, with --quick's defaults.

    Raises
    ------
    ValueError
        For an unknown section or sampler.
    """
    quick = args.quick

    def pick(value: Any, full: Any, tiny: Any) -> Any:
        return value if value is not None else (tiny if quick else full)

    sections = tuple(_split(args.sections))
    unknown = set(sections) - set(SECTIONS)
    known = [
        name
        for name in configs.gan_sampler_names()
        if name not in configs.SAMPLER_VARIANTS
    ]
    samplers = tuple(_split(args.samplers) or known)
    unknown |= set(samplers) - set(known)
    if unknown:
        raise ValueError(
            f"Unknown section or sampler {sorted(unknown)}; sections: "
            f"{list(SECTIONS)}, samplers: {known}."
        )
    options = Options(
        seed=args.seed,
        device=args.device,
        quick=quick,
        n_images=pick(args.n_images, N_IMAGES, QUICK_N_IMAGES),
        repeats=pick(args.repeats, REPEATS, 1),
        matmul_size=pick(args.matmul_size, MATMUL_SIZE, QUICK_MATMUL_SIZE),
        flop_probes=pick(args.flop_probes, FLOP_PROBES, 1),
        torch_threads=args.torch_threads,
        fresh_process=pick(args.fresh_process, True, False),
        data_home=str(args.data_home),
        output_dir=str(args.output_dir),
    )
    return Plan(
        sections=sections,
        samplers=samplers,
        sizes=tuple(
            _split(args.sizes, int) or (QUICK_SIZES if quick else DEFAULT_SIZES)
        ),
        image_size_n=pick(args.image_size_n, IMAGE_SIZE_N, QUICK_IMAGE_SIZE_N),
        options=options,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; see ``python benchmarks/performance.py --help``."""
    args = _parser().parse_args(argv)
    plan = make_plan(args)
    if plan.options.torch_threads:
        torch.set_num_threads(plan.options.torch_threads)
    output_dir = args.output_dir
    results = load_results(output_dir)
    items = plan.items()
    if args.dry_run:
        print_plan(items, results)
        return 0
    command = " ".join(["performance.py", *(sys.argv[1:] if argv is None else argv)])
    output_dir.mkdir(parents=True, exist_ok=True)
    _log(f"{len(items)} items; output in {output_dir}")
    try:
        run_items(items, results, output_dir)
    finally:
        (output_dir / "report.md").write_text(render_report(plan, results, command))
        _log(f"report: {output_dir / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
