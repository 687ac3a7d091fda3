"""Named benchmark configurations: which data, methods, seeds and budgets.

A configuration is a list of :class:`Experiment` entries; each one crosses
its methods with its seeds on one dataset/profile into *cells* (see
``_protocols.run_cell``). Several entries may share a dataset (e.g. all
methods with one seed, a core set with three), their cells merge in the
report because a cell is keyed by (dataset, method, seed) only.

The cost model at the end (:func:`estimate_cell_seconds`) turns the per-epoch
costs measured on a 2-core CPU (``shared/DESIGN.md``, "Budget") into a rough
time per cell, so that ``run.py --dry-run`` says how long a configuration will
take before it is started.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skgan_sampler.datasets import DEEPSMOTE_CIFAR10_PROFILE, GAMO_PROFILE

#: Baselines every configuration can run, in report order.
BASELINES: tuple[str, ...] = (
    "none",
    "class_weight",
    "logit_adjustment",
    "drw",
    "RandomOverSampler",
    "SMOTE",
    "ADASYN",
    "BorderlineSMOTE",
)

#: Baselines that change SmallCNN's loss instead of the data: method ->
#: SmallCNN parameters, each as its paper sets it (class weights "balanced";
#: logit adjustment tau = 1, Menon et al. 2021; deferred re-weighting from
#: 80% of training on, Cao et al. 2019's 160 of 200 epochs).
LOSS_SIDE_METHODS: dict[str, dict[str, Any]] = {
    "class_weight": {"class_weight": "balanced"},
    "logit_adjustment": {"logit_adjustment": 1.0},
    "drw": {"deferred_reweighting": 0.8},
}

#: imbalanced-learn's oversamplers: they append synthetic rows, which are
#: scored like a GAN sampler's generated samples.
IMBLEARN_METHODS: tuple[str, ...] = (
    "RandomOverSampler",
    "SMOTE",
    "ADASYN",
    "BorderlineSMOTE",
)

#: A cell's downstream entry of SmallCNN trained with its experiment's
#: ``augment``; the report's "<method> + augment" rows.
AUGMENTED_SMALLCNN = "SmallCNN+augment"

#: The WAE-GAN baseline of the SCDL-GAN report: SCDL-GAN without its
#: supervised latent term.
WAE_GAN = "WAE-GAN"

#: BAGAN with every draw kept, as in the reference implementation: the other
#: side of the comparison behind ``discriminator_filter=True``, the default.
BAGAN_UNFILTERED = "BAGANSampler-unfiltered"

#: BAGAN and SCDL-GAN drawing their latent codes by SMOTE between the codes of
#: a class, as DeepSMOTE does, instead of from a Gaussian per class.
BAGAN_LATENT_SMOTE = "BAGANSampler-latent-smote"
SCDL_GAN_LATENT_SMOTE = "SCDLGANSampler-latent-smote"

#: DeepSMOTE with the reference code's penalty (an extra reconstruction loss on
#: one class that trains the decoder only) instead of the paper's permuted one.
DEEPSMOTE_REFERENCE_PENALTY = "DeepSMOTESampler-reference-penalty"
#: BAGAN-GP with DiffAugment (translation and cutout) in its adversarial stage.
BAGAN_GP_DIFFAUGMENT = "BAGANGPSampler-diffaugment"

#: Methods that are a package sampler with other parameters: name -> (sampler
#: class, parameters set before the experiment's own).
SAMPLER_VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    WAE_GAN: ("SCDLGANSampler", {"supervised_weight": 0.0}),
    BAGAN_UNFILTERED: ("BAGANSampler", {"discriminator_filter": False}),
    BAGAN_LATENT_SMOTE: ("BAGANSampler", {"latent_model": "smote"}),
    SCDL_GAN_LATENT_SMOTE: ("SCDLGANSampler", {"latent_model": "smote"}),
    DEEPSMOTE_REFERENCE_PENALTY: ("DeepSMOTESampler", {"penalty": "reference"}),
    BAGAN_GP_DIFFAUGMENT: (
        "BAGANGPSampler",
        {"discriminator_augment": "translation_cutout"},
    ),
}

#: Environment variable naming the data folder when --data-home is not given;
#: the same one the package's loaders read.
DATA_HOME_ENV_VAR = "SKGAN_SAMPLER_DATA"

#: Training counts of the digits profile (classes 0..9), imbalance ratio 15.
#: scikit-learn's digits have 174-183 images per class; 80 per class are held
#: out as the balanced test set, which leaves at least 94 per class to draw
#: from. The smallest count, 6, is the least SMOTE's default 5 neighbours need.
DIGITS_PROFILE: tuple[int, ...] = (90, 60, 40, 30, 20, 15, 12, 10, 8, 6)
DIGITS_TEST_PER_CLASS = 80

#: Largest class count of the local CIFAR-10 JPEG copy's training subset.
CIFAR_COPY_PER_CLASS = 1000


def default_data_home() -> Path:
    """The data folder of the benchmark scripts when --data-home is not given.

    ``SKGAN_SAMPLER_DATA`` when it is set, else ``shared/data`` beside this
    repository's checkout: the benchmarks may know the project's layout, the
    package's loaders do not.
    """
    folder = os.environ.get(DATA_HOME_ENV_VAR)
    if folder:
        return Path(folder)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def gan_sampler_names() -> list[str]:
    """GAN samplers exported by ``skgan_sampler``, found at run time.

    Every name in ``skgan_sampler.__all__`` that ends in "Sampler" and is a
    class, so that samplers added to the package later are benchmarked
    without editing this file; each followed by its :data:`SAMPLER_VARIANTS`.
    """
    import skgan_sampler

    samplers = sorted(
        {
            name
            for name in skgan_sampler.__all__
            if name.endswith("Sampler")
            and isinstance(getattr(skgan_sampler, name), type)
        }
    )
    names = []
    for sampler in samplers:
        names.append(sampler)
        names += [
            variant
            for variant, (base, _) in SAMPLER_VARIANTS.items()
            if base == sampler
        ]
    return names


def available_methods() -> list[str]:
    """All method names, baselines first, in report order."""
    return [*BASELINES, *gan_sampler_names()]


def expand_methods(methods: tuple[str, ...] | list[str]) -> list[str]:
    """Resolve "all" (every method) and "GAN" (every GAN sampler) in a list.

    A name prefixed with "-" removes that method from what came before it,
    e.g. ``("GAN", "-WAE-GAN")``.

    Raises
    ------
    ValueError
        If a name is neither a method nor one of the two group names.
    """
    known = available_methods()
    out: list[str] = []
    for name in methods:
        remove = name.startswith("-")
        name = name[1:] if remove else name
        group = {"all": known, "GAN": gan_sampler_names()}.get(name, [name])
        for item in group:
            if item not in known:
                raise ValueError(
                    f"Unknown method {item!r}; known methods: {known} (or the "
                    "groups 'all' and 'GAN', and '-name' to leave one out)."
                )
            if remove and item in out:
                out.remove(item)
            elif not remove and item not in out:
                out.append(item)
    return out


def is_gan_method(method: str) -> bool:
    """Whether ``method`` is one of the package's GAN samplers or a variant."""
    return method not in BASELINES


def generates_samples(method: str) -> bool:
    """Whether ``method`` adds synthetic samples that protocols (b)-(d) score."""
    return is_gan_method(method) or method in IMBLEARN_METHODS


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset and imbalance profile; ``name`` keys its cells and files.

    Parameters
    ----------
    name : str
        Unique, file-name safe identifier, e.g. ``"fashion_mnist-gamo"``.
    source : {"digits", "fashion_mnist", "mnist", "cifar10_jpeg", "npz"}
        Where the images come from. ``"npz"`` reads ``path``: either the
        arrays ``X_train, y_train, X_test, y_test`` or ``X, y`` (then split
        70/30, stratified, by the seed); 2-D tabular rows unless the file
        holds ``image_shape``.
    profile : {"digits", "gamo", "bagan_gp_b", "deepsmote_scaled", "given"}
        How the imbalanced training set is drawn (see
        ``_protocols.load_dataset``).
    scale : float, default=1.0
        Multiplies the profile's counts (the quick configuration's slice).
    min_count : int, default=6
        Floor of a scaled count; 6 keeps SMOTE's default 5 neighbours valid.
    test_per_class : int or None, default=None
        Draw a balanced subset of the test set of this size per class; None
        keeps the whole test set.
    path : str or None, default=None
        The npz file of ``source="npz"``. The image sources read the run's
        data folder (``--data-home``), which is not a setting of the result.
    """

    name: str
    source: str
    profile: str
    scale: float = 1.0
    min_count: int = 6
    test_per_class: int | None = None
    path: str | None = None

    def profile_counts(self) -> tuple[int, ...] | None:
        """Training counts per class before the draw, when fixed by the profile."""
        base = {
            "digits": DIGITS_PROFILE,
            "gamo": GAMO_PROFILE,
            # The local copy holds 1,000 training images per class, so
            # DeepSMOTE's profile (4,500 ... 80) is scaled by 1000 / 4500 as a
            # whole, which keeps its shape and imbalance ratio (about 56)
            # instead of capping the three largest classes at 1,000.
            "deepsmote_scaled": tuple(
                c * CIFAR_COPY_PER_CLASS / max(DEEPSMOTE_CIFAR10_PROFILE)
                for c in DEEPSMOTE_CIFAR10_PROFILE
            ),
        }.get(self.profile)
        if base is None:
            return None
        return tuple(max(self.min_count, round(c * self.scale)) for c in base)

    def describe(self) -> str:
        """One line naming the data, the profile and the test set."""
        data = {
            "digits": "scikit-learn digits (8x8)",
            "fashion_mnist": "Fashion-MNIST (28x28)",
            "mnist": "MNIST (28x28)",
            "cifar10_jpeg": "CIFAR-10 **lossy JPEG copy** (32x32x3, 1,000 "
            "training images per class; not the original pixels)",
            "npz": f"tabular/npz data from {self.path}",
        }[self.source]
        counts = self.profile_counts()
        profile = {
            "digits": f"digits profile {list(counts or ())} (imbalance ratio 15)",
            "gamo": f"GAMO / SCDL-GAN profile {list(counts or ())}",
            "bagan_gp_b": "BAGAN-GP profile B (class 0 whole, class c its first "
            "100c images, then a 70/30 split; test = the 30% split)",
            "deepsmote_scaled": "DeepSMOTE CIFAR-10 profile scaled by 1000/4500 "
            f"to fit the local copy: {list(counts or ())}",
            "given": "class counts as given",
        }[self.profile]
        if self.scale != 1.0:
            profile += f" (scaled by {self.scale}, at least {self.min_count})"
        if self.source == "digits":
            test = f"balanced test set, {DIGITS_TEST_PER_CLASS} per class"
        elif self.test_per_class is not None:
            test = f"balanced test subset, {self.test_per_class} per class"
        elif self.profile == "bagan_gp_b":
            test = "test = BAGAN-GP's 30% split (imbalanced)"
        else:
            test = "full test set"
        return f"{data}; {profile}; {test}"


@dataclass(frozen=True)
class Experiment:
    """Methods x seeds on one dataset, with the budgets of every stage.

    Parameters
    ----------
    dataset : DatasetSpec
        The data and imbalance profile.
    seeds : tuple of int
        Seeds; each one draws the imbalanced set and seeds every estimator.
    methods : tuple of str, default=("all",)
        Method names, or the groups "all" and "GAN" (see
        :func:`expand_methods`).
    cnn_epochs : int, default=10
        SmallCNN epochs of protocol (a).
    cnn_params : dict, default={}
        Further SmallCNN parameters of protocol (a) (e.g. ``n_steps``,
        ``lr_schedule``, ``augment``); ``n_steps`` replaces ``cnn_epochs``.
    gan_params : dict, default={}
        Parameters set on every GAN sampler that has them (e.g. ``ae_epochs``);
        anything not given keeps the sampler's default.
    sampler_params : dict of str to dict, default={}
        Parameters per method name, applied after ``gan_params``.
    n_generated_per_class : int, default=1000
        Samples generated per class for protocols (b) and (c).
    n_kept_per_class : int, default=10
        Generated samples per class kept in the cell result for figures.
    reference_per_class : int, default=2000
        Real training images per class of protocol (b)'s reference SmallCNN
        (fewer when a class has fewer).
    reference_epochs : int, default=10
        Epochs of the reference SmallCNN.
    cheap_max_iter : int, default=100
        ``max_iter`` of the cheap model (standard scaling + logistic
        regression). Kept small on purpose: it is a seconds-long screen, not
        a converged fit; non-convergence is recorded, not hidden.
    augment : {"shift", "shift_flip"} or None, default=None
        The augmentation control (issue #31): each cell also trains SmallCNN
        with ``cnn_params`` and this ``augment`` on the same training set, and
        the report shows it as the method's "+ augment" row. Chosen per
        dataset before any test score is seen: a horizontal flip keeps the
        label of clothes and natural images, not of digits.
    """

    dataset: DatasetSpec
    seeds: tuple[int, ...]
    methods: tuple[str, ...] = ("all",)
    cnn_epochs: int = 10
    cnn_params: dict[str, Any] = field(default_factory=dict)
    gan_params: dict[str, Any] = field(default_factory=dict)
    sampler_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    n_generated_per_class: int = 1000
    n_kept_per_class: int = 10
    reference_per_class: int = 2000
    reference_epochs: int = 10
    cheap_max_iter: int = 100
    augment: str | None = None


@dataclass(frozen=True)
class Config:
    """A named list of experiments plus what the report should say about it."""

    name: str
    experiments: tuple[Experiment, ...]
    notes: str = ""


def _digits(seeds: tuple[int, ...]) -> Experiment:
    # 8x8 images and a few hundred rows: every stage costs seconds, so the
    # samplers keep their default epochs and SmallCNN gets 20.
    return Experiment(
        dataset=DatasetSpec(name="digits-ir15", source="digits", profile="digits"),
        seeds=seeds,
        cnn_epochs=20,
        n_generated_per_class=300,
        reference_per_class=90,
        reference_epochs=20,
    )


QUICK = Config(
    name="quick",
    experiments=(
        _digits((0, 1, 2)),
        Experiment(
            dataset=DatasetSpec(
                name="fashion_mnist-gamo-slice",
                source="fashion_mnist",
                profile="gamo",
                scale=0.1,
                test_per_class=200,
            ),
            seeds=(0,),
            cnn_epochs=5,
            gan_params={"ae_epochs": 3, "gan_epochs": 5},
            n_generated_per_class=300,
            reference_per_class=300,
            reference_epochs=5,
        ),
    ),
    notes=(
        "Quick configuration: a smoke test of the whole pipeline, not evidence. "
        "Digits with 3 seeds; a Fashion-MNIST slice (GAMO profile / 10, at "
        "least 6 per class, 902 training images) with one seed, 3 autoencoder "
        "and 5 GAN epochs per sampler and 5 SmallCNN epochs, so that it "
        "finishes in under 15 minutes on 2 CPU cores."
    ),
)

# What the headline needs with three seeds: the baselines it must beat and
# every GAN sampler, BAGANSampler-unfiltered included since BAGAN's filter
# default is judged against it (WAE-GAN is the SCDL-GAN report's ablation,
# not a contender, so it gets one seed with the other secondary baselines).
_HEADLINE_METHODS = ("none", "class_weight", "SMOTE", "GAN", "-WAE-GAN")
_FASHION_GAMO = DatasetSpec(
    name="fashion_mnist-gamo", source="fashion_mnist", profile="gamo"
)
_MNIST_GAMO = DatasetSpec(name="mnist-gamo", source="mnist", profile="gamo")
_CIFAR10_JPEG = DatasetSpec(
    name="cifar10_jpeg-deepsmote_scaled",
    source="cifar10_jpeg",
    profile="deepsmote_scaled",
)

FULL = Config(
    name="full",
    experiments=(
        Experiment(dataset=_FASHION_GAMO, seeds=(0, 1, 2), methods=_HEADLINE_METHODS),
        Experiment(
            dataset=_FASHION_GAMO,
            seeds=(0,),
            methods=("RandomOverSampler", "ADASYN", "BorderlineSMOTE", WAE_GAN),
        ),
        Experiment(dataset=_MNIST_GAMO, seeds=(0,), methods=_HEADLINE_METHODS),
        Experiment(
            dataset=_CIFAR10_JPEG,
            seeds=(0,),
            methods=_HEADLINE_METHODS,
            reference_per_class=1000,
        ),
    ),
    notes=(
        "Full configuration. Fashion-MNIST with the GAMO profile: 3 seeds for no "
        "resampling, class weights, SMOTE and every GAN sampler (including "
        "BAGANSampler-unfiltered, BAGANSampler with discriminator_filter=False: "
        "every draw kept, as in the reference); 1 seed for "
        "random oversampling, ADASYN, BorderlineSMOTE and WAE-GAN (cut for "
        "time: SmallCNN alone costs about 35 s per epoch on the 40,000 balanced "
        "images on 2 CPU cores, 6 minutes a cell at 10 epochs). MNIST (GAMO "
        "profile) and the CIFAR-10 lossy JPEG copy: 1 seed (cut for time). "
        "Samplers keep their default epochs; SmallCNN 10 epochs."
    ),
)

HEADLINE = Config(
    name="headline",
    experiments=(
        Experiment(dataset=_FASHION_GAMO, seeds=(0, 1, 2), methods=_HEADLINE_METHODS),
    ),
    notes=(
        "Headline configuration: Fashion-MNIST [4000, ..., 40], balanced test "
        "set, SmallCNN 10 epochs, the given seeds and methods."
    ),
)

#: SmallCNN of the instrument: the steps of 10 epochs on the imbalanced
#: Fashion-MNIST set (71 batches of 128), the same for every training set,
#: with a cosine decay to zero. Chosen on a validation split of the training
#: pool (benchmarks/probes/cnn_stability.py; docs: design notes).
INSTRUMENT_CNN = {"n_steps": 710, "lr_schedule": "cosine"}
_INSTRUMENT_METHODS = ("none", *LOSS_SIDE_METHODS, "SMOTE", "GAN", "-WAE-GAN")

INSTRUMENT = Config(
    name="instrument",
    experiments=(
        Experiment(
            dataset=_FASHION_GAMO,
            seeds=(0, 1, 2, 3, 4),
            methods=_INSTRUMENT_METHODS,
            cnn_params=INSTRUMENT_CNN,
            augment="shift_flip",
        ),
    ),
    notes=(
        "The instrument of issue #23: Fashion-MNIST [4000, ..., 40], balanced "
        "test set, 5 seeds; SmallCNN trained for the same number of gradient "
        "steps (710) on every training set, with a cosine learning-rate decay; "
        "the loss-side baselines (class weights, logit adjustment, deferred "
        "re-weighting) beside no resampling, SMOTE and the GAN samplers; each "
        "method also with SmallCNN trained on shifted and flipped images (the "
        "augmentation control of issue #31). The "
        "CIFAR-10 copy is left out: SmallCNN scores 26-30% there for every "
        "method, too weak a classifier for resampling to matter."
    ),
)

BAGAN_GP_B = Config(
    name="bagan_gp_b",
    experiments=(
        Experiment(
            dataset=DatasetSpec(
                name="fashion_mnist-bagan_gp_b",
                source="fashion_mnist",
                profile="bagan_gp_b",
            ),
            seeds=(0,),
            methods=("none", "class_weight", "SMOTE", "GAN"),
        ),
    ),
    notes="BAGAN-GP's Fashion-MNIST profile B, one seed.",
)

CONFIGS: dict[str, Config] = {
    config.name: config for config in (QUICK, FULL, HEADLINE, INSTRUMENT, BAGAN_GP_B)
}


def npz_experiment(
    path: str, *, seeds: tuple[int, ...] = (0,), epochs: int = 20
) -> Experiment:
    """An experiment on a 2-D tabular dataset stored as an npz file.

    The loader hook for "any 2-D tabular dataset": the file holds ``X_train,
    y_train, X_test, y_test`` or ``X, y`` (split 70/30, stratified, per
    seed). SmallCNN runs without its convolutional trunk (an MLP).
    """
    from pathlib import Path

    stem = "".join(ch if ch.isalnum() else "_" for ch in Path(path).stem)
    return Experiment(
        dataset=DatasetSpec(
            name=f"npz-{stem}", source="npz", profile="given", path=str(path)
        ),
        seeds=seeds,
        cnn_epochs=epochs,
        n_generated_per_class=200,
        reference_epochs=epochs,
    )


def get_config(
    name: str,
    *,
    methods: list[str] | None = None,
    seeds: list[int] | None = None,
    datasets: list[str] | None = None,
    npz_paths: list[str] | None = None,
) -> Config:
    """A named configuration with the command line's overrides applied.

    ``methods`` and ``seeds`` replace those of every experiment; ``datasets``
    keeps only the experiments on those dataset names; each npz path adds a
    tabular experiment.
    """
    if name not in CONFIGS:
        raise ValueError(f"Unknown configuration {name!r}; known: {list(CONFIGS)}.")
    config = CONFIGS[name]
    experiments = list(config.experiments)
    experiments += [npz_experiment(path) for path in npz_paths or ()]
    if datasets:
        experiments = [e for e in experiments if e.dataset.name in datasets]
        if not experiments:
            raise ValueError(f"No experiment of {name!r} uses the datasets {datasets}.")
    if methods:
        expand_methods(methods)  # fail early on a typo
        experiments = [
            dataclasses.replace(e, methods=tuple(methods)) for e in experiments
        ]
    if seeds:
        experiments = [dataclasses.replace(e, seeds=tuple(seeds)) for e in experiments]
    return dataclasses.replace(config, experiments=tuple(experiments))


# --------------------------------------------------------------------------
# Cost model (for --dry-run): rough, from measurements on a 2-core CPU
# --------------------------------------------------------------------------

# Milliseconds per image and epoch on 28x28 images, 2 torch threads, an
# otherwise idle 2-core CPU (shared/DESIGN.md "Budget": SmallCNN 7 s/epoch on
# 9,000 images; autoencoder 3.7-4 s and one-to-one GAN 6.8-7.5 s per epoch on
# 9,000; 35-39 s per generator pass with five gradient-penalty critic steps).
MS_SMALLCNN = 0.8
#: SmallCNN's default mini-batch, for an estimate from a budget of steps.
SMALLCNN_BATCH = 128
MS_AUTOENCODER = 0.43
MS_GAN = 0.8
MS_GP_GAN_PER_CRITIC = 4.1 / 5
# GAMO (dense nets, batch 32): about 1.75 SmallCNN epochs per epoch, a ratio
# measured on a heavily loaded machine, so only an order of magnitude.
MS_GAMO = 1.4
# DeepSMOTE's permutation penalty encodes and decodes one class batch per
# mini-batch besides the batch itself: its autoencoder epochs cost about 1.5
# plain ones (118 s for 20 epochs on 9,000 images, 2 AMD EPYC cores).
DEEPSMOTE_PENALTY_FACTOR = 1.5
# SmallCNN forward pass only (prediction, features), per image.
MS_PREDICT = 0.25
# Fixed costs per cell: data loading, the cheap model, scoring, storing.
CELL_OVERHEAD_S = 5.0


def _pixel_factors(source: str) -> tuple[float, float]:
    """Cost per image relative to 28x28: (SmallCNN, GAN networks)."""
    # SmallCNN's cost follows the image area (its second convolution
    # dominates); on 8x8 digits it measured about 0.1 of 28x28 per image, the
    # GAN stages about 0.3 (small networks are dominated by per-batch costs).
    # The 3 colour channels of CIFAR add little to SmallCNN, more to the GANs.
    return {
        "digits": (0.1, 0.3),
        "cifar10_jpeg": (32 * 32 / 784, 32 * 32 / 784 * 1.5),
    }.get(source, (1.0, 1.0))


def _train_size(dataset: DatasetSpec) -> tuple[int, int, int]:
    """(n training images, n per class once balanced, n classes), estimated."""
    counts = dataset.profile_counts()
    if counts is None:  # BAGAN-GP B; npz data is unknown before loading
        counts = (4166, 73, 139, 210, 287, 370, 422, 487, 545, 651)
    return sum(counts), max(counts), len(counts)


def _gan_epochs(gan_epochs: int | str, n_train: int, batch_size: int) -> int:
    """Passes of an adversarial stage, for the estimate only.

    ``"auto"`` follows ``BAGANGPSampler``'s documented rule: 8 passes, or
    as many as 200 generator steps need on small data. A fitted sampler
    reports what it used in ``gan_epochs_``.
    """
    if gan_epochs != "auto":
        return int(gan_epochs)
    batches = math.ceil(n_train / min(batch_size, n_train))
    return max(8, math.ceil(200 / batches))


def estimate_cell_seconds(
    experiment: Experiment, method: str, sampler_params: dict[str, Any]
) -> float:
    """Rough wall time of one cell on an idle 2-core CPU, in seconds.

    ``sampler_params`` are the resolved parameters of a GAN sampler (empty
    for the baselines). The reference classifier of protocol (b), trained
    once per (dataset, seed), is not included.
    """
    n_train, n_max, n_classes = _train_size(experiment.dataset)
    cnn_factor, gan_factor = _pixel_factors(experiment.dataset.source)
    n_fit = n_train if method in ("none", *LOSS_SIDE_METHODS) else n_max * n_classes
    n_images = n_fit * experiment.cnn_epochs
    if "n_steps" in experiment.cnn_params:
        n_images = experiment.cnn_params["n_steps"] * SMALLCNN_BATCH
    seconds = n_images * MS_SMALLCNN / 1000 * cnn_factor
    if experiment.augment is not None:
        seconds *= 2
    if is_gan_method(method):
        ae = sampler_params.get("ae_epochs", 0) * MS_AUTOENCODER
        if sampler_params.get("penalty_weight"):
            ae *= DEEPSMOTE_PENALTY_FACTOR
        gan_epochs = _gan_epochs(
            sampler_params.get("gan_epochs", 0),
            n_train,
            sampler_params.get("batch_size", 128),
        )
        if method == "GAMOSampler":
            gan = gan_epochs * MS_GAMO
        elif "n_critic" in sampler_params:
            gan = gan_epochs * sampler_params["n_critic"] * MS_GP_GAN_PER_CRITIC
        else:
            gan = gan_epochs * MS_GAN
        seconds += n_train * (ae + gan) / 1000 * gan_factor
        n_generated = experiment.n_generated_per_class * n_classes
        # protocol (b) + (c): label and embed the generated and test images.
        seconds += 3 * n_generated * MS_PREDICT / 1000 * cnn_factor
    return CELL_OVERHEAD_S + seconds


def estimate_reference_seconds(experiment: Experiment) -> float:
    """Rough wall time of one reference SmallCNN (protocol (b)), in seconds."""
    _, n_max, n_classes = _train_size(experiment.dataset)
    n_ref = min(experiment.reference_per_class, n_max) * n_classes
    seconds = n_ref * experiment.reference_epochs * MS_SMALLCNN / 1000
    return seconds * _pixel_factors(experiment.dataset.source)[0]


def format_seconds(seconds: float) -> str:
    """``h:mm:ss`` for a duration in seconds."""
    seconds = int(math.ceil(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
