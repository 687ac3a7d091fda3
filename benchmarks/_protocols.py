"""What one benchmark cell computes: (dataset, profile, method, seed) -> scores.

A cell draws the imbalanced training set of its seed, resamples it with its
method while measuring wall time and peak memory (cost), trains SmallCNN and a
cheap scikit-learn model on the result and scores them on the held-out test set
(protocol (a)); with the experiment's ``augment``, SmallCNN is trained a second
time on the same set with that augmentation (the control of issue #31). For a
GAN sampler it also generates ``n_generated_per_class`` samples per class (an
imbalanced-learn oversampler: up to that many of its appended rows), lets a
reference SmallCNN trained on real balanced data label them (protocol (b),
recognisability), measures the per-class Fréchet distance between real test
and generated samples in that reference's penultimate-layer features
(protocol (c); *not* Inception FID) and computes the fidelity and diversity
diagnostics of :mod:`skgan_sampler.diagnostics` (protocol (e)).

Every function here runs inside a joblib or Dask worker: it takes and returns
plain picklable values and writes no files (the caller stores the results).
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import json
import os
import platform
import socket
import threading
import time
import traceback
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from configs import (
    AUGMENTED_SMALLCNN,
    DIGITS_TEST_PER_CLASS,
    IMBLEARN_METHODS,
    LOSS_SIDE_METHODS,
    SAMPLER_VARIANTS,
    DatasetSpec,
    Experiment,
    generates_samples,
    is_gan_method,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import Bunch

from skgan_sampler.datasets import (
    balanced_subset,
    load_cifar10_jpeg,
    load_fashion_mnist,
    load_mnist,
    make_bagan_gp_imbalance,
    make_imbalanced,
)
from skgan_sampler.diagnostics import (
    classifier_two_sample_test,
    nearest_real_distance,
    per_class_diagnostics,
)
from skgan_sampler.metrics import imbalanced_scores
from skgan_sampler.preprocessing import make_float_pipeline

#: The feature extractor of protocol (c), as the report names it.
FEATURE_EXTRACTOR = (
    "128-d penultimate layer (after the last ReLU) of the reference SmallCNN "
    "trained on real balanced training data; not Inception FID"
)

#: The two-sample test's classifier on pixels: L2-regularised so that it
#: converges on 784 correlated pixels in seconds where the default
#: (C = 1) runs 1000 iterations (about 40 s a class on two indistinguishable
#: sets of Fashion-MNIST images), with the same verdicts on shifted and noisy
#: copies.
PIXEL_C2ST_CLASSIFIER = make_pipeline(
    StandardScaler(), LogisticRegression(C=0.01, max_iter=1000)
)

# The test set is drawn with a fixed seed so that every seed of a dataset is
# scored on the same images; the seeds vary the training draw and estimators.
TEST_RANDOM_STATE = 0


# --------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One (dataset, method, seed) of an experiment.

    ``torch_threads`` fixes torch's intra-op threads of the cell; None means
    ``max(1, cores // n_parallel)`` where ``n_parallel`` is the number of cells
    run at once on one machine (the joblib ``n_jobs``), so that parallel cells
    do not oversubscribe the cores. ``data_home`` is the folder the image
    loaders read (one sub-folder per dataset, like ``shared/data``). None of
    the three enters the cell's settings hash: they say how and where the
    cell runs, not what it computes.
    """

    experiment: Experiment
    method: str
    seed: int
    torch_threads: int | None = None
    n_parallel: int = 1
    data_home: str | os.PathLike[str] | None = None

    @property
    def dataset(self) -> DatasetSpec:
        return self.experiment.dataset

    @property
    def key(self) -> str:
        """File-name safe identifier: ``<dataset>__<method>__seed<seed>``."""
        return f"{self.dataset.name}__{self.method}__seed{self.seed}"

    def settings(self) -> dict[str, Any]:
        """Everything that determines the cell's result (hashed for resume)."""
        exp = self.experiment
        settings = {
            "dataset": dataclasses.asdict(self.dataset),
            "method": self.method,
            "seed": self.seed,
            "cnn_epochs": exp.cnn_epochs,
            # Only when set, so that the cells of runs before it keep their hash.
            **({"cnn_params": exp.cnn_params} if exp.cnn_params else {}),
            "cheap_max_iter": exp.cheap_max_iter,
            "sampler_params": resolved_sampler_params(
                self.method, self.dataset, self.seed, exp
            ),
        }
        if generates_samples(self.method):
            settings.update(
                n_generated_per_class=exp.n_generated_per_class,
                n_kept_per_class=exp.n_kept_per_class,
                reference=reference_settings(exp),
            )
        return settings

    def settings_hash(self) -> str:
        return _hash(self.settings())

    def augmented_settings_hash(self) -> str | None:
        """Hash of what the augmented SmallCNN's scores depend on, if it runs.

        Separate from :meth:`settings_hash`, so that adding the augmentation
        control to an experiment completes its finished cells instead of
        recomputing them.
        """
        augment = self.experiment.augment
        return None if augment is None else _hash([self.settings(), augment])


def _hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def reference_settings(experiment: Experiment) -> dict[str, Any]:
    """What determines a reference classifier of protocol (b), besides the seed."""
    return {
        "dataset": dataclasses.asdict(experiment.dataset),
        "reference_per_class": experiment.reference_per_class,
        "reference_epochs": experiment.reference_epochs,
    }


def reference_key(experiment: Experiment, seed: int) -> str:
    """File-name safe identifier of the reference classifier of (dataset, seed)."""
    digest = _hash(reference_settings(experiment))
    return f"{experiment.dataset.name}__seed{seed}__{digest}"


# --------------------------------------------------------------------------
# Environment: threads, versions, machine, memory
# --------------------------------------------------------------------------


def _n_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def configure_threads(torch_threads: int | None, n_parallel: int) -> int:
    """Set torch's intra-op threads for this worker and return the number.

    Without an explicit number, a Dask worker divides the cores among its own
    worker threads, and a joblib worker among the ``n_parallel`` cells that
    run at once: torch would otherwise start one thread per core in every
    worker and oversubscribe the machine.
    """
    import torch

    if torch_threads is None:
        share = n_parallel
        try:
            from distributed import get_worker

            worker = get_worker()
            share = getattr(getattr(worker, "state", worker), "nthreads", share)
        except (ImportError, ValueError):  # not inside a Dask worker
            pass
        torch_threads = max(1, _n_cores() // max(1, share))
    torch.set_num_threads(torch_threads)
    return torch_threads


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def environment() -> dict[str, Any]:
    """Package versions and the machine, recorded in every cell."""
    import imblearn
    import sklearn
    import torch

    import skgan_sampler

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return {
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "scikit-learn": sklearn.__version__,
            "imbalanced-learn": imblearn.__version__,
            "skgan_sampler": skgan_sampler.__version__,
        },
        "machine": {
            "hostname": socket.gethostname(),
            "cores": _n_cores(),
            "cpu": _cpu_model(),
            "gpu": gpu,
        },
        "torch_threads": torch.get_num_threads(),
        "pid": os.getpid(),
    }


def _rss_bytes() -> int | None:
    """This process's resident set size from /proc/self/status (Linux)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


class PeakMemory:
    """Peak resident memory of this process while the ``with`` block runs.

    A daemon thread samples ``VmRSS`` every ``interval`` seconds. Polling the
    process's own status works the same in the main process, in joblib's
    worker processes and in Dask workers, where allocation hooks such as
    ``tracemalloc`` would miss torch's native memory. In a worker that runs
    several cells as threads of one process (Dask with several threads per
    worker), the number includes the other cells' memory.

    Attributes
    ----------
    baseline_mb, peak_mb, delta_mb : float or None
        RSS before the block, the largest RSS seen, and their difference, in
        MiB; None where /proc is not available.
    """

    def __init__(self, interval: float = 0.005):
        self.interval = interval
        self.baseline_mb = self.peak_mb = self.delta_mb = None

    def __enter__(self) -> PeakMemory:
        baseline = _rss_bytes()
        self._peak = baseline or 0
        self._available = baseline is not None
        self.baseline_mb = None if baseline is None else baseline / 2**20
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self) -> None:
        while not self._stop.wait(self.interval):
            rss = _rss_bytes()
            if rss is not None and rss > self._peak:
                self._peak = rss

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()
        rss = _rss_bytes()
        if rss is not None:
            self._peak = max(self._peak, rss)
        if self._available:
            self.peak_mb = self._peak / 2**20
            self.delta_mb = self.peak_mb - self.baseline_mb


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def _load_digits() -> Bunch:
    from sklearn.datasets import load_digits

    digits = load_digits()
    # Digits has no test split: load_dataset holds a balanced one out.
    return Bunch(
        X_train=digits.data.astype(np.uint8),
        y_train=digits.target.astype(np.int64),
        X_test=None,
        y_test=None,
        image_shape=(8, 8),
        class_names=[str(label) for label in range(10)],
    )


def _load_npz(path: str) -> Bunch:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    image_shape = (
        tuple(int(v) for v in arrays["image_shape"])
        if "image_shape" in arrays
        else None
    )
    if "X" in arrays:
        from sklearn.model_selection import train_test_split

        X_train, X_test, y_train, y_test = train_test_split(
            arrays["X"],
            arrays["y"],
            test_size=0.3,
            stratify=arrays["y"],
            random_state=TEST_RANDOM_STATE,
        )
    else:
        X_train, y_train = arrays["X_train"], arrays["y_train"]
        X_test, y_test = arrays["X_test"], arrays["y_test"]
    X_train, X_test = (np.asarray(X).reshape(len(X), -1) for X in (X_train, X_test))
    return Bunch(
        X_train=X_train,
        y_train=np.asarray(y_train),
        X_test=X_test,
        y_test=np.asarray(y_test),
        image_shape=image_shape,
        class_names=[str(c) for c in np.unique(y_train)],
    )


def _load_images(source: str, data_home: str | os.PathLike[str] | None) -> Bunch:
    loader = {
        "fashion_mnist": load_fashion_mnist,
        "mnist": load_mnist,
        "cifar10_jpeg": load_cifar10_jpeg,
    }[source]
    data = loader(data_home=data_home)
    return Bunch(
        X_train=data.X_train.reshape(len(data.X_train), -1),
        y_train=data.y_train,
        X_test=data.X_test.reshape(len(data.X_test), -1),
        y_test=data.y_test,
        image_shape=tuple(data.image_shape),
        class_names=list(data.target_names),
    )


@functools.lru_cache(maxsize=2)
def _load_source(
    source: str, path: str | None, data_home: str | os.PathLike[str] | None
) -> Bunch:
    """The raw split of a source as flattened rows (cached per process)."""
    if source == "digits":
        return _load_digits()
    if source == "npz":
        return _load_npz(path)
    return _load_images(source, data_home)


def load_dataset(
    spec: DatasetSpec, seed: int, *, data_home: str | os.PathLike[str] | None = None
) -> Bunch:
    """The imbalanced training set of ``seed``, the test set and the real pool.

    Images are flattened channels-last rows (uint8 for images). ``X_pool,
    y_pool`` is the real training data the imbalanced set was drawn from; the
    reference classifier of protocol (b) is trained on a balanced subset of
    it. ``seed`` draws the imbalanced subset; the test set does not depend on
    it (see ``TEST_RANDOM_STATE``), except that BAGAN-GP's profile uses its
    own fixed split (``random_state=42``, as in its reference code).
    ``data_home`` is the folder of the image datasets (see
    :func:`skgan_sampler.datasets.load_mnist`); digits and npz files ignore it.
    """
    raw = _load_source(spec.source, spec.path, data_home)
    X_pool, y_pool, X_test, y_test = raw.X_train, raw.y_train, raw.X_test, raw.y_test
    if spec.source == "digits":
        X_pool, y_pool, X_test, y_test = _hold_out_digits_test(X_pool, y_pool)
    if spec.profile == "bagan_gp_b":
        X_train, X_test, y_train, y_test = make_bagan_gp_imbalance(X_pool, y_pool)
    elif spec.profile == "given":
        X_train, y_train = X_pool, y_pool
    else:
        X_train, y_train = make_imbalanced(
            X_pool, y_pool, counts=spec.profile_counts(), random_state=seed
        )
    if spec.test_per_class is not None:
        X_test, y_test = balanced_subset(
            X_test,
            y_test,
            n_per_class=spec.test_per_class,
            random_state=TEST_RANDOM_STATE,
        )
    classes, counts = np.unique(y_train, return_counts=True)
    return Bunch(
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
        X_pool=X_pool,
        y_pool=y_pool,
        classes=classes,
        train_counts=counts,
        # Ties go to the smaller label (np.argmax / argmin take the first).
        largest_class=classes[np.argmax(counts)],
        smallest_class=classes[np.argmin(counts)],
        image_shape=raw.image_shape,
        class_names=raw.class_names,
    )


def _hold_out_digits_test(
    X: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Digits has no test split: hold out a balanced one, the same for all seeds."""
    indices = np.arange(len(y))
    test_idx, _ = balanced_subset(
        indices,
        y,
        n_per_class=DIGITS_TEST_PER_CLASS,
        random_state=TEST_RANDOM_STATE,
    )
    in_test = np.isin(indices, test_idx)
    return X[~in_test], y[~in_test], X[in_test], y[in_test]


# --------------------------------------------------------------------------
# Samplers
# --------------------------------------------------------------------------


#: Parameters added to the samplers after cells were stored, each with the
#: value that reproduces those cells bit for bit. A cell's settings leave one
#: out while it holds that value, so that adding a parameter does not
#: recompute finished cells; any other value enters the hash as usual.
ADDED_PARAMETERS: dict[str, Any] = {
    "latent_model": "gaussian",
    "discriminator_augment": None,
}


def resolved_sampler_params(
    method: str, dataset: DatasetSpec, seed: int, experiment: Experiment
) -> dict[str, Any]:
    """The full parameters a GAN sampler of this cell gets (empty otherwise).

    Defaults come from the sampler class at run time, so a changed default
    changes the cell's settings hash and a resumed run recomputes the cell.
    """
    if not is_gan_method(method):
        return {}
    sampler = build_sampler(method, image_shape=None, seed=seed, experiment=experiment)
    params = sampler.get_params(deep=False)
    params.pop("image_shape", None)  # a property of the data, set per cell
    return {
        name: repr(value)
        for name, value in sorted(params.items())
        if name not in ADDED_PARAMETERS or value != ADDED_PARAMETERS[name]
    }


def build_sampler(
    method: str,
    *,
    image_shape: tuple[int, ...] | None,
    seed: int,
    experiment: Experiment,
    smallest_count: int | None = None,
) -> Any:
    """The unfitted sampler of a method, or None for no resampling.

    imbalanced-learn's samplers come inside
    :func:`skgan_sampler.preprocessing.make_float_pipeline`: they
    interpolate in the input's dtype, which wraps around on uint8 images.
    Their neighbour-based samplers keep their defaults except that the
    number of neighbours is lowered to ``smallest_count - 1`` when the
    smallest class is too small for the default 5 (tiny profiles only).
    GAN samplers get ``image_shape``, ``random_state=seed`` and
    ``generation_precision="float32"``, then the parameters of a
    ``configs.SAMPLER_VARIANTS`` entry, the experiment's ``gan_params``
    (those the sampler has) and its per-method ``sampler_params``;
    everything else keeps the sampler's default.
    """
    if method == "none" or method in LOSS_SIDE_METHODS:
        return None
    if method in IMBLEARN_METHODS:
        from imblearn import over_sampling

        neighbours = 5 if smallest_count is None else min(5, smallest_count - 1)
        kwargs: dict[str, Any] = {"random_state": seed}
        if method in ("SMOTE", "BorderlineSMOTE"):
            kwargs["k_neighbors"] = neighbours
        elif method == "ADASYN":
            kwargs["n_neighbors"] = neighbours
        kwargs.update(experiment.sampler_params.get(method, {}))
        return make_float_pipeline(getattr(over_sampling, method)(**kwargs))
    import skgan_sampler

    class_name, variant_params = SAMPLER_VARIANTS.get(method, (method, {}))
    # Samples in float32, so that no figure depends on whether the machine
    # has AMX (where the default generation_precision autocasts to bfloat16);
    # probes/generation_speed.py compares the two precisions.
    sampler = getattr(skgan_sampler, class_name)(
        image_shape=image_shape, random_state=seed, generation_precision="float32"
    )
    sampler.set_params(**variant_params)
    known = sampler.get_params(deep=False)
    sampler.set_params(
        **{k: v for k, v in experiment.gan_params.items() if k in known},
        **experiment.sampler_params.get(method, {}),
    )
    return sampler


# --------------------------------------------------------------------------
# Protocols
# --------------------------------------------------------------------------


def _json_scores(scores: dict[str, Any]) -> dict[str, Any]:
    scores = dict(scores)
    scores["per_class_recall"] = {
        str(label): value for label, value in scores["per_class_recall"].items()
    }
    return scores


def downstream(
    X_fit: np.ndarray,
    y_fit: np.ndarray,
    data: Bunch,
    *,
    seed: int,
    epochs: int,
    cnn_params: dict[str, Any],
    class_weight: str | None,
    cheap_max_iter: int,
) -> dict[str, Any]:
    """Protocol (a): SmallCNN and a cheap model trained on ``X_fit, y_fit``.

    ``cnn_params`` are SmallCNN's further parameters (a loss-side method's
    among them); the cheap model gets ``class_weight`` only, it has no
    counterpart of the other loss-side methods.
    """
    return {
        "SmallCNN": _smallcnn_scores(
            X_fit, y_fit, data, seed=seed, epochs=epochs, cnn_params=cnn_params
        ),
        "LogisticRegression": _cheap_model_scores(
            X_fit, y_fit, data, max_iter=cheap_max_iter, class_weight=class_weight
        ),
    }


def _test_scores(data: Bunch, y_pred: np.ndarray) -> dict[str, Any]:
    scores = imbalanced_scores(
        data.y_test,
        y_pred,
        largest_class=data.largest_class,
        smallest_class=data.smallest_class,
    )
    return _json_scores(scores)


def _smallcnn_scores(
    X_fit: np.ndarray,
    y_fit: np.ndarray,
    data: Bunch,
    *,
    seed: int,
    epochs: int,
    cnn_params: dict[str, Any],
) -> dict[str, Any]:
    from skgan_sampler import SmallCNN

    cnn = SmallCNN(
        image_shape=data.image_shape, epochs=epochs, random_state=seed, **cnn_params
    )
    start = time.perf_counter()
    cnn.fit(X_fit, y_fit)
    return {
        **_test_scores(data, cnn.predict(data.X_test)),
        "train_seconds": time.perf_counter() - start,
        "epochs": epochs,
        "n_steps": cnn.n_steps_,
    }


def _cheap_model_scores(
    X_fit: np.ndarray,
    y_fit: np.ndarray,
    data: Bunch,
    *,
    max_iter: int,
    class_weight: str | None,
) -> dict[str, Any]:
    """Standard scaling + logistic regression, stopped after ``max_iter``.

    Seconds, not minutes, and it ranks the classic baselines like SmallCNN
    (DESIGN.md). ``max_iter`` is small on purpose; whether it converged is
    recorded.
    """
    cheap = make_pipeline(
        StandardScaler(),
        LogisticRegression(max_iter=max_iter, class_weight=class_weight),
    )
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        cheap.fit(np.asarray(X_fit, dtype=np.float32), y_fit)
    y_pred = cheap.predict(np.asarray(data.X_test, dtype=np.float32))
    return {
        **_test_scores(data, y_pred),
        "train_seconds": time.perf_counter() - start,
        "max_iter": max_iter,
        "converged": not any(
            issubclass(w.category, ConvergenceWarning) for w in caught
        ),
    }


def generate_per_class(
    sampler: Any, classes: np.ndarray, n_per_class: int, seed: int
) -> tuple[np.ndarray, np.ndarray, list]:
    """``n_per_class`` generated samples of every class the sampler can make.

    A sampler that cannot generate some class (GAMO may not serve the
    majority) raises ValueError; the classes are then tried one at a time
    and the ones that fail are returned as the third value.
    """
    y = np.repeat(classes, n_per_class)
    try:
        return np.asarray(sampler.generate(y, random_state=seed)), y, []
    except ValueError:
        pass
    parts, labels, missing = [], [], []
    for label in classes:
        try:
            parts.append(
                np.asarray(
                    sampler.generate(np.full(n_per_class, label), random_state=seed)
                )
            )
            labels.append(np.full(n_per_class, label))
        except ValueError:
            missing.append(label.item())
    if not parts:
        return np.empty((0, 0)), np.empty(0, dtype=classes.dtype), missing
    return np.concatenate(parts), np.concatenate(labels), missing


def penultimate_features(
    classifier: Any, X: np.ndarray, image_shape: tuple[int, ...] | None
) -> np.ndarray:
    """SmallCNN's 128-d features after the last ReLU (``module_[:-1]``)."""
    import torch

    net = classifier.module_[:-1].eval()
    features = []
    with torch.no_grad():
        for start in range(0, len(X), 2048):
            batch = torch.as_tensor(np.asarray(X[start : start + 2048], np.float32))
            if image_shape is not None:
                height, width, channels = (*image_shape, 1)[:3]
                # Rows are channels-last; the network reads (N, C, H, W).
                batch = batch.reshape(-1, height, width, channels).permute(0, 3, 1, 2)
            features.append(net(batch).numpy().astype(np.float64))
    return np.concatenate(features)


def frechet_distance(real: np.ndarray, fake: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets.

    ``|mu_r - mu_f|^2 + Tr(S_r + S_f - 2 (S_r S_f)^(1/2))``, the FID formula,
    with the usual small diagonal offset when the product is singular
    (fewer samples than feature dimensions).
    """
    from scipy import linalg

    mu_r, mu_f = real.mean(axis=0), fake.mean(axis=0)
    cov_r = np.atleast_2d(np.cov(real, rowvar=False))
    cov_f = np.atleast_2d(np.cov(fake, rowvar=False))
    with warnings.catch_warnings():
        # Fewer samples than dimensions make the product singular; its square
        # root is still the right quantity, so the warning says nothing new.
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(cov_r @ cov_f)
        if not np.all(np.isfinite(covmean)):
            offset = np.eye(len(cov_r)) * 1e-6
            covmean = linalg.sqrtm((cov_r + offset) @ (cov_f + offset))
    diff = mu_r - mu_f
    value = diff @ diff + np.trace(cov_r) + np.trace(cov_f) - 2 * np.trace(covmean.real)
    return float(max(value, 0.0))


def train_reference(
    experiment: Experiment,
    seed: int,
    torch_threads: int | None = None,
    n_parallel: int = 1,
    data_home: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """The reference SmallCNN of protocols (b) and (c) for (dataset, seed).

    Trained on ``reference_per_class`` real images per class (fewer if the
    real pool has fewer) drawn from the whole real training split; scored on
    the test set so the report can say how good the judge is.
    """
    from skgan_sampler import SmallCNN

    configure_threads(torch_threads, n_parallel)
    data = load_dataset(experiment.dataset, seed, data_home=data_home)
    available = np.unique(data.y_pool, return_counts=True)[1].min()
    n_per_class = int(min(experiment.reference_per_class, available))
    X, y = balanced_subset(
        data.X_pool, data.y_pool, n_per_class=n_per_class, random_state=seed
    )
    start = time.perf_counter()
    classifier = SmallCNN(
        image_shape=data.image_shape,
        epochs=experiment.reference_epochs,
        random_state=seed,
    ).fit(X, y)
    scores = imbalanced_scores(data.y_test, classifier.predict(data.X_test))
    return {
        "key": reference_key(experiment, seed),
        "classifier": classifier,
        "n_per_class": n_per_class,
        "epochs": experiment.reference_epochs,
        "train_seconds": time.perf_counter() - start,
        "test_balanced_accuracy": scores["balanced_accuracy"],
    }


def recognisability(
    reference: dict[str, Any], X_gen: np.ndarray, y_gen: np.ndarray, data: Bunch
) -> dict[str, Any]:
    """Protocol (b): the reference classifier labels the generated samples."""
    classes = data.classes
    predicted = reference["classifier"].predict(X_gen)
    generated = set(np.unique(y_gen).tolist())
    # Precision on / recall of a class that was not generated is undefined.
    largest = data.largest_class if data.largest_class.item() in generated else None
    smallest = data.smallest_class if data.smallest_class.item() in generated else None
    scores = imbalanced_scores(
        y_gen, predicted, largest_class=largest, smallest_class=smallest
    )
    return {
        **_json_scores(scores),
        "labels": [c.item() for c in classes],
        "confusion_matrix": confusion_matrix(y_gen, predicted, labels=classes).tolist(),
        "n_per_class": int(len(y_gen) // max(1, len(generated))),
        "reference_per_class": reference["n_per_class"],
        "reference_epochs": reference["epochs"],
        "reference_test_balanced_accuracy": reference["test_balanced_accuracy"],
    }


def frechet_per_class(
    reference: dict[str, Any], X_gen: np.ndarray, y_gen: np.ndarray, data: Bunch
) -> dict[str, Any]:
    """Protocol (c): per-class Fréchet distance, real test vs generated."""
    classifier = reference["classifier"]
    real = penultimate_features(classifier, data.X_test, data.image_shape)
    fake = penultimate_features(classifier, X_gen, data.image_shape)
    per_class = {
        str(label.item()): frechet_distance(
            real[data.y_test == label], fake[y_gen == label]
        )
        for label in data.classes
        if np.sum(y_gen == label) > 1 and np.sum(data.y_test == label) > 1
    }
    return {
        "per_class": per_class,
        "mean": float(np.mean(list(per_class.values()))) if per_class else None,
        "feature_extractor": FEATURE_EXTRACTOR,
        "n_real_per_class": {
            str(label.item()): int(np.sum(data.y_test == label))
            for label in data.classes
        },
    }


def appended_per_class(
    X_fit: np.ndarray,
    y_fit: np.ndarray,
    n_real: int,
    classes: np.ndarray,
    n_per_class: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, list]:
    """Up to ``n_per_class`` of the rows an oversampler appended, per class.

    imbalanced-learn appends its synthetic rows after the ``n_real`` original
    ones; a random subset of each class's (seeded) stands for its samples.
    Classes it added no row to are returned as the third value.
    """
    X_new, y_new = np.asarray(X_fit)[n_real:], np.asarray(y_fit)[n_real:]
    rng = np.random.default_rng(seed)
    kept, missing = [], []
    for label in classes:
        rows = np.flatnonzero(y_new == label)
        if len(rows) == 0:
            missing.append(label.item())
            continue
        size = min(n_per_class, len(rows))
        kept.append(np.sort(rng.choice(rows, size=size, replace=False)))
    index = np.concatenate(kept) if kept else np.empty(0, dtype=int)
    return X_new[index], y_new[index], missing


def fidelity_diagnostics(
    reference: dict[str, Any],
    X_gen: np.ndarray,
    y_gen: np.ndarray,
    data: Bunch,
    seed: int,
) -> dict[str, Any]:
    """Protocol (e): fidelity and diversity of the generated samples, per class.

    :func:`skgan_sampler.diagnostics.per_class_diagnostics` against the real
    test images of each class, in the reference's penultimate features
    (precision, recall, density, coverage, the classifier two-sample test)
    and in pixels (image statistics); plus the two-sample test on pixels and
    the distance from each generated sample to its nearest real *training*
    image of the class (copies of the few training images show here), beside
    the same distance from each real test image, which sets the scale.
    """
    table = per_class_diagnostics(
        data.X_test,
        data.y_test,
        X_gen,
        y_gen,
        features=functools.partial(
            penultimate_features,
            reference["classifier"],
            image_shape=data.image_shape,
        ),
        image_shape=data.image_shape,
        random_state=seed,
    )
    X_test = np.asarray(data.X_test, dtype=np.float64)
    X_train = np.asarray(data.X_train, dtype=np.float64)
    extra: dict[str, list[float]] = {
        "c2st_pixels_accuracy": [],
        "nearest_train_distance_median": [],
        "test_nearest_train_distance_median": [],
    }
    for label in table["class"]:
        generated = X_gen[y_gen == label]
        real_test = X_test[data.y_test == label]
        real_train = X_train[data.y_train == label]
        accuracy, _ = classifier_two_sample_test(
            real_test, generated, estimator=PIXEL_C2ST_CLASSIFIER, random_state=seed
        )
        extra["c2st_pixels_accuracy"].append(accuracy)
        extra["nearest_train_distance_median"].append(
            float(np.median(nearest_real_distance(real_train, generated)))
        )
        extra["test_nearest_train_distance_median"].append(
            float(np.median(nearest_real_distance(real_train, real_test)))
        )
    return {
        "per_class": {
            **{name: np.asarray(values).tolist() for name, values in table.items()},
            **extra,
        },
        "feature_extractor": FEATURE_EXTRACTOR,
    }


# --------------------------------------------------------------------------
# Sample storage (figures)
# --------------------------------------------------------------------------


def encode_samples(X: np.ndarray) -> dict[str, Any]:
    """A compact JSON form of a uint8 array (base64 of its bytes)."""
    X = np.ascontiguousarray(X, dtype=np.uint8)
    return {"shape": list(X.shape), "data": base64.b64encode(X.tobytes()).decode()}


def decode_samples(blob: dict[str, Any]) -> np.ndarray:
    """Inverse of :func:`encode_samples`."""
    raw = base64.b64decode(blob["data"])
    return np.frombuffer(raw, dtype=np.uint8).reshape(blob["shape"])


def _keep_samples(
    X: np.ndarray, y: np.ndarray, n_keep: int, image_like: bool
) -> dict[str, Any]:
    """Up to ``n_keep`` samples per class as uint8 (rounded, clipped)."""
    if not image_like or len(X) == 0:
        return {}
    kept = {}
    for label in np.unique(y):
        rows = np.asarray(X[y == label][:n_keep], dtype=np.float64)
        kept[str(label.item())] = encode_samples(np.clip(np.rint(rows), 0, 255))
    return kept


# --------------------------------------------------------------------------
# The cell
# --------------------------------------------------------------------------


def run_cell(
    cell: Cell,
    reference: dict[str, Any] | None = None,
    stored: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Compute one cell; return a JSON-ready dict (see ``benchmarks/README.md``).

    ``reference`` is the output of :func:`train_reference` for the cell's
    (dataset, seed); a cell of a method that generates samples trains its own
    without one (not cached). ``stored`` is the cell's finished result of the
    same settings that lacks the augmented SmallCNN of the experiment's
    ``augment`` (or has one of other settings): only that is computed and
    added to it, on the training set drawn and resampled again (the same set
    on the same machine; seeded). Errors are not caught here (see
    :func:`run_cell_safely`).
    """
    started = time.perf_counter()
    _set_threads_and_log_start(cell)
    exp = cell.experiment
    data = load_dataset(cell.dataset, cell.seed, data_home=cell.data_home)
    sampler = build_sampler(
        cell.method,
        image_shape=data.image_shape,
        seed=cell.seed,
        experiment=exp,
        smallest_count=int(data.train_counts.min()),
    )
    X_fit, y_fit, cost = resample_with_cost(sampler, data.X_train, data.y_train)
    cnn_params = {**exp.cnn_params, **LOSS_SIDE_METHODS.get(cell.method, {})}
    if stored is None:
        result = {"status": "ok", **_describe_cell(cell, data, y_fit), "cost": cost}
        result["downstream"] = downstream(
            X_fit,
            y_fit,
            data,
            seed=cell.seed,
            epochs=exp.cnn_epochs,
            cnn_params=cnn_params,
            class_weight="balanced" if cell.method == "class_weight" else None,
            cheap_max_iter=exp.cheap_max_iter,
        )
        result.update(
            _score_added_samples(cell, sampler, data, X_fit, y_fit, reference)
        )
        result["environment"] = environment()
    else:
        result = {**stored, "downstream": dict(stored["downstream"])}
    if exp.augment is not None:
        result["downstream"][AUGMENTED_SMALLCNN] = {
            **_smallcnn_scores(
                X_fit,
                y_fit,
                data,
                seed=cell.seed,
                epochs=exp.cnn_epochs,
                cnn_params={**cnn_params, "augment": exp.augment},
            ),
            "augment": exp.augment,
            "settings_hash": cell.augmented_settings_hash(),
            "cpu": _cpu_model(),
        }
    result["cell_seconds"] = (
        (0.0 if stored is None else stored["cell_seconds"])
        + time.perf_counter()
        - started
    )
    result["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    return result


def _set_threads_and_log_start(cell: Cell) -> None:
    threads = configure_threads(cell.torch_threads, cell.n_parallel)
    # Printed by the worker, so a Dask worker's log shows what it is busy with.
    print(
        f"[{time.strftime('%H:%M:%S')}] start  {cell.key} "
        f"(pid {os.getpid()}, {threads} torch threads)",
        flush=True,
    )


def resample_with_cost(
    sampler: Any, X: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """``sampler.fit_resample(X, y)`` with its wall time and peak memory (d).

    Without a sampler the data comes back as it is and every cost is None.
    """
    cost: dict[str, Any] = dict.fromkeys(
        ("fit_seconds", "peak_rss_delta_mb", "peak_rss_mb", "gpu_peak_mb")
    )
    if sampler is None:
        return X, y, cost
    import torch

    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    with PeakMemory() as memory:
        start = time.perf_counter()
        X_fit, y_fit = sampler.fit_resample(X, y)
        cost["fit_seconds"] = time.perf_counter() - start
    cost["peak_rss_delta_mb"] = memory.delta_mb
    cost["peak_rss_mb"] = memory.peak_mb
    if torch.cuda.is_available():
        cost["gpu_peak_mb"] = torch.cuda.max_memory_allocated() / 2**20
    return X_fit, y_fit, cost


def _label_counts(y: np.ndarray) -> dict[str, int]:
    return {
        str(c.item()): int(n)
        for c, n in zip(*np.unique(y, return_counts=True), strict=True)
    }


def _describe_cell(cell: Cell, data: Bunch, y_fit: np.ndarray) -> dict[str, Any]:
    """What the cell is: its settings, its data's classes and counts."""
    dataset = cell.dataset
    return {
        "key": cell.key,
        "dataset": dataset.name,
        "dataset_description": dataset.describe(),
        "source": dataset.source,
        "profile": dataset.profile,
        "lossy_copy": dataset.source == "cifar10_jpeg",
        "method": cell.method,
        "seed": cell.seed,
        "is_gan": is_gan_method(cell.method),
        "settings": cell.settings(),
        "settings_hash": cell.settings_hash(),
        "classes": [c.item() for c in data.classes],
        "class_names": data.class_names,
        "image_shape": None if data.image_shape is None else list(data.image_shape),
        "train_counts": _label_counts(data.y_train),
        "test_counts": _label_counts(data.y_test),
        "largest_class": data.largest_class.item(),
        "smallest_class": data.smallest_class.item(),
        "resampled_counts": _label_counts(y_fit),
    }


def _score_added_samples(
    cell: Cell,
    sampler: Any,
    data: Bunch,
    X_fit: np.ndarray,
    y_fit: np.ndarray,
    reference: dict[str, Any] | None,
) -> dict[str, Any]:
    """Protocols (b), (c) and (e) on the samples a method adds, per class.

    A GAN sampler generates ``n_generated_per_class`` of every class; an
    imbalanced-learn oversampler's appended rows are subsampled to that many
    (it adds none to the largest class). No resampling and the loss-side
    methods add nothing: every score is None.
    """
    exp = cell.experiment
    scores: dict[str, Any] = dict.fromkeys(
        ("recognisability", "frechet", "diagnostics", "generated_classes")
    )
    scores.update(samples={}, missing_classes=None)
    if not generates_samples(cell.method):
        return scores
    if is_gan_method(cell.method):
        X_gen, y_gen, missing = generate_per_class(
            sampler, data.classes, exp.n_generated_per_class, cell.seed
        )
    else:
        X_gen, y_gen, missing = appended_per_class(
            X_fit,
            y_fit,
            len(data.y_train),
            data.classes,
            exp.n_generated_per_class,
            cell.seed,
        )
    if len(y_gen):
        if reference is None:
            reference = train_reference(
                exp, cell.seed, cell.torch_threads, cell.n_parallel, cell.data_home
            )
        X_gen = np.asarray(X_gen, dtype=np.float64).reshape(len(y_gen), -1)
        scores["recognisability"] = recognisability(reference, X_gen, y_gen, data)
        scores["frechet"] = frechet_per_class(reference, X_gen, y_gen, data)
        scores["diagnostics"] = fidelity_diagnostics(
            reference, X_gen, y_gen, data, cell.seed
        )
    scores.update(
        samples=_keep_samples(
            X_gen, y_gen, exp.n_kept_per_class, data.image_shape is not None
        ),
        generated_classes=sorted(np.unique(y_gen).tolist()),
        missing_classes=missing,
    )
    return scores


def run_cell_safely(
    cell: Cell,
    reference: dict[str, Any] | None = None,
    stored: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """:func:`run_cell`, turning an exception into an error record.

    One failing cell (e.g. ADASYN finding no neighbours to interpolate)
    must not stop a two-hour run; the error is stored and the cell is
    retried on the next run.
    """
    try:
        return run_cell(cell, reference, stored)
    except Exception as exc:  # noqa: BLE001 - reported, never swallowed
        return {
            "status": "error",
            "key": cell.key,
            "dataset": cell.dataset.name,
            "method": cell.method,
            "seed": cell.seed,
            "settings_hash": cell.settings_hash(),
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(),
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
