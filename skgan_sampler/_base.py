"""The shared sampler: parameters, the ``fit_resample`` flow, generation
and output assembly. Each method only supplies its recipe (``_fit_networks``
and ``_generate_network_outputs``)."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import inspect
from abc import abstractmethod
from numbers import Integral, Real

import numpy as np
import torch
from imblearn.over_sampling.base import BaseOverSampler
from scipy import sparse
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._layout import (
    DataLayout,
    check_column_dtypes,
    resolve_image_shape,
    restore_array_shape,
    split_array_shape,
)
from ._training import (
    BATCH_SIZE_CONSTRAINTS,
    DEVICE_CONSTRAINTS,
    GENERATION_PRECISIONS,
    TrainingMonitor,
    draw_seed,
    generation_autocast,
    generation_dtype,
    generation_networks,
    generation_progress,
    modules_to_cpu,
    resolve_device,
    torch_random_stream,
)

# Samples generated per forward pass: a CPU chunk's activations should stay in
# cache (256 28x28 images per pass ran twice as fast as 4,096); a GPU wants more.
CPU_GENERATION_CHUNK = 256
# Samples per class drawn to check that the fitted generator still varies.
COLLAPSE_PROBE_SIZE = 8
GPU_GENERATION_CHUNK = 4096

_positive_int = Interval(Integral, 1, None, closed="left")
_positive_real = Interval(Real, 0, None, closed="neither")

SHARED_CONSTRAINTS = {
    **BaseOverSampler._parameter_constraints,
    "image_shape": [tuple, None],
    "latent_dim": [_positive_int],
    "batch_size": BATCH_SIZE_CONSTRAINTS,
    "device": DEVICE_CONSTRAINTS,
    "generation_precision": [StrOptions(GENERATION_PRECISIONS)],
    "verbose": ["verbose"],
}
"""Constraints of the parameters every sampler of the package has."""

ADVERSARIAL_CONSTRAINTS = {
    "gan_epochs": [_positive_int],
    "gan_learning_rate": [_positive_real],
}
"""Constraints of the parameters of an adversarial stage."""


SHARED_PARAMETER_DOCS = {
    "sampling_strategy": BaseOverSampler._sampling_strategy_docstring,
    "random_state": """random_state : int, RandomState instance or None, default=None
        Seed of the single random stream of each ``fit_resample`` call: weight
        initialisation, mini-batch order, noise and generated samples. The
        same int gives the same output on the same machine; torch's global
        random state is left untouched.""",
    "image_shape": """image_shape : tuple of int or None, default=None
        Shape of one image, ``(height, width)`` or ``(height, width,
        channels)``, channels-last. Rows of ``X`` are such images flattened in
        C order (the layout of ``load_digits().data``). None means tabular
        rows, modelled with MLPs; for 3-D ``(n, H, W)`` or 4-D ``(n, H, W,
        C)`` input the array's own image shape is used.""",
    "latent_dim": """latent_dim : int, default={default}
        Size of the latent code fed to the generator.""",
    "batch_size": """batch_size : int, default={default}
        Mini-batch size of every training stage, at least 2 (batch
        statistics of a single row are undefined).""",
    "ae_epochs": """ae_epochs : int, default={default}
        Passes over the data of the autoencoder stage.""",
    "ae_learning_rate": """ae_learning_rate : float, default={default}
        Adam learning rate of the autoencoder stage.""",
    "gan_epochs": """gan_epochs : int, default={default}
        Passes over the data of the adversarial stage.""",
    "gan_learning_rate": """gan_learning_rate : float, default={default}
        Adam learning rate of the generator and the discriminator.""",
    "discriminator_augment": """discriminator_augment : {"translation", \
"translation_cutout"} or None, default=None
        DiffAugment (Zhao et al., NeurIPS 2020) in the adversarial stage: the
        discriminator sees real and generated images alike through random
        translations of up to 1/8 of the image size and, with
        ``"translation_cutout"``, a zeroed square of half the image size, in
        its own steps and in the generator's. It is meant for classes of tens
        of images, where a discriminator memorises them. Images only; None
        trains as the paper does. See :ref:`discriminator-augment`.""",
    "device": """device : str or torch.device, default="auto"
        Where to train: ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:<index>"``,
        ``"mps"`` or a :class:`torch.device` of those types. ``"auto"`` uses a
        CUDA GPU when one is visible and the CPU otherwise; a GPU the machine
        does not have warns and uses the CPU. Fitted networks are stored on
        the CPU either way.""",
    "generation_precision": """generation_precision : {"auto", "float32", "bfloat16"}, \
default="auto"
        Numeric precision of the networks while they generate samples (in
        ``fit_resample`` and :meth:`generate`); training is always float32.
        ``"bfloat16"`` autocasts them, which is faster on CPUs with AMX
        matrix units (Intel Xeon Sapphire Rapids and newer) and changes the
        samples slightly. ``"auto"`` uses bfloat16 for convolutional
        generators on such a CPU and float32 otherwise (tabular rows, GAMO's
        generator, GPUs, other CPUs); see :ref:`precision`. It is read when
        samples are generated, so it can be changed after fitting.""",
    "latent_model": """latent_model : {"gaussian", "smote"}, default={default}
        How latent codes of a class are drawn, for the adversarial stage and
        for generation. ``"gaussian"`` draws from one Gaussian fitted to the
        encoder's codes of the class, as the paper does; ``"smote"``
        interpolates between a code of the class and one of its 5 nearest
        codes of the class, as :class:`DeepSMOTESampler` does, so new codes
        stay between real ones. See :ref:`latent-models`.""",
    "covariance_type": """covariance_type : {"full", "diag"}, default={default}
        Covariance of each class's Gaussian in the latent space: a
        Ledoit-Wolf shrunk full covariance, or only its diagonal. Used only
        when ``latent_model="gaussian"``.""",
    "discriminator_filter": """discriminator_filter : bool, default={default}
        Draw again every generated sample whose largest class output of the
        fitted discriminator is another class than the one asked for, up to
        10 times (then the last draw is kept). This drops samples that look
        like a neighbouring class, at the cost of less diverse samples and
        slower generation; False keeps every draw, as BAGAN's reference
        does. See :ref:`deviations`. It is read when samples are generated,
        so it can be changed after fitting.""",
    "verbose": """verbose : bool or int, default=False
        0 shows nothing; 1 shows a progress bar per training stage, counting
        mini-batches, with the last epoch's mean losses, and one for
        generation; 2 also prints every epoch's mean losses.""",
    "latent_model_attributes": """class_latent_means_ : ndarray of shape \
(n_classes, latent_dim)
        Mean of each class's encoded training samples; defined only when
        ``latent_model="gaussian"``.
    class_latent_covariances_ : ndarray of shape (n_classes, latent_dim, latent_dim)
        Covariance of each class's codes, as ``covariance_type`` says;
        defined only when ``latent_model="gaussian"``.
    latent_smote_ : ClassSMOTE
        The encoded training samples grouped by class and each one's nearest
        codes of its class; defined only when ``latent_model="smote"``.""",
    "classes_attributes": """sampling_strategy_ : dict
        Number of samples generated for each class.
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.""",
    "input_attributes": """input_image_shape_ : tuple of int or None
        Trailing image shape of a 3-D ``(n, H, W)`` or 4-D ``(n, H, W, C)``
        ``X``, None for 2-D rows; :meth:`generate` returns this layout.
    data_layout_ : DataLayout
        Image shape, value range and dtype of the training data.
    n_features_in_ : int
        Number of features of the training rows.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen in ``fit_resample``, defined only when
        ``X`` has string feature names.
    feature_dtypes_ : pandas.Series
        The column dtypes of a DataFrame ``X``, which :meth:`generate`
        restores; defined only when ``X`` is a DataFrame.""",
}
"""Numpydoc text of the shared parameters and fitted attributes, for
:func:`document_parameters`."""


def document_parameters(cls: type) -> type:
    """Fill ``{name}`` fields of a sampler's docstring with the shared docs.

    Default values are read from the class's ``__init__`` signature, so the
    documentation cannot drift from the code. Literal braces in the
    docstring must be doubled.
    """
    signature = inspect.signature(cls.__init__)
    docs = {
        name: text.replace(
            "{default}",
            repr(signature.parameters[name].default)
            if name in signature.parameters
            else "None",
        )
        for name, text in SHARED_PARAMETER_DOCS.items()
    }
    if cls.__doc__ is not None:  # None under python -OO
        cls.__doc__ = cls.__doc__.format(**docs)
    return cls


class BaseDeepOverSampler(BaseOverSampler):
    """Base class of the package's deep oversamplers (the GANs and DeepSMOTE).

    ``fit_resample`` validates the input, maps rows to network tensors in
    [-1, 1], lets the method's recipe train its networks, generates
    ``sampling_strategy_[c]`` samples for every class ``c`` and returns the
    original rows unchanged followed by the synthetic rows, class by class in
    sorted label order. It sets ``input_image_shape_``, ``data_layout_``,
    ``classes_`` and ``history_``.

    Subclasses implement ``_fit_networks`` (training; sets the recipe's
    fitted attributes) and ``_generate_network_outputs`` (class codes ->
    network outputs), and name their fitted torch modules in
    ``_module_attributes``. Optional hooks: ``_check_labels_can_be_generated``
    and ``_generation_chunk_size``.
    """

    _parameter_constraints: dict = SHARED_CONSTRAINTS
    _module_attributes: tuple[str, ...] = ()
    # Whether the generator is convolutional for images, which is where
    # generation_precision="auto" autocasts to bfloat16.
    _convolutional_generator = True

    def __init__(
        self,
        *,
        sampling_strategy,
        random_state,
        image_shape,
        latent_dim,
        batch_size,
        device,
        generation_precision,
        verbose,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.image_shape = image_shape
        self.latent_dim = latent_dim
        self.batch_size = batch_size
        self.device = device
        self.generation_precision = generation_precision
        self.verbose = verbose

    def fit(self, X, y, **params):
        """Check inputs and statistics of the sampler (trains nothing).

        Use :meth:`fit_resample`, which trains the networks and resamples.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows as described in :meth:`fit_resample`.
        y : array-like of shape (n_samples,)
            Target labels.
        **params : dict
            Unused; kept for the imbalanced-learn API.

        Returns
        -------
        self : object
        """
        X_rows, _ = split_array_shape(X)
        return super().fit(X_rows, y, **params)

    def fit_resample(self, X, y, **params):
        """Train the networks and resample the dataset.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Tabular rows, or images flattened in C order from channels-last
            ``image_shape`` arrays. 3-D ``(n, H, W)`` and 4-D ``(n, H, W, C)``
            image arrays are accepted too and returned in the same layout.
        y : array-like of shape (n_samples,)
            Target labels.
        **params : dict
            Unused; kept for the imbalanced-learn API.

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix}
            The original rows unchanged, then the synthetic rows, class by
            class in sorted label order; same container, layout and dtype as
            ``X``.
        y_resampled : {ndarray, series} of shape (n_samples_new,)
            The labels of ``X_resampled``.
        """
        X_rows, self.input_image_shape_ = split_array_shape(X)
        check_column_dtypes(X_rows)
        if hasattr(X_rows, "dtypes"):
            self.feature_dtypes_ = X_rows.dtypes
        elif hasattr(self, "feature_dtypes_"):
            del self.feature_dtypes_
        X_resampled, y_resampled = super().fit_resample(X_rows, y, **params)
        return restore_array_shape(X_resampled, self.input_image_shape_), y_resampled

    def _fit_resample(self, X, y):
        X_dense = X.toarray() if sparse.issparse(X) else X
        image_shape = resolve_image_shape(
            self.image_shape, self.input_image_shape_, X.shape[1]
        )
        self.data_layout_ = DataLayout.from_data(
            X_dense, image_shape, getattr(self, "feature_dtypes_", None)
        )
        self.classes_, y_codes = np.unique(y, return_inverse=True)
        device = resolve_device(self.device)
        monitor = TrainingMonitor(type(self).__name__, self.verbose)

        class_codes = np.concatenate(
            [
                np.full(n_samples, np.searchsorted(self.classes_, label))
                for label, n_samples in self.sampling_strategy_.items()
            ]
            + [np.empty(0, dtype=np.intp)]
        ).astype(np.intp)
        with torch_random_stream(draw_seed(self.random_state), device):
            data = torch.as_tensor(self.data_layout_.to_network(X_dense), device=device)
            labels = torch.as_tensor(y_codes, dtype=torch.long, device=device)
            self._fit_networks(data, labels, len(self.classes_), monitor)
            self._check_generator_varies(np.unique(class_codes), data, labels)
            X_new = self._generate_rows(class_codes, device)
        self.history_ = monitor.history_as_dict()
        modules_to_cpu(*(getattr(self, name) for name in self._module_attributes))

        y_new = self.classes_[class_codes].astype(y.dtype, copy=False)
        if sparse.issparse(X):
            X_resampled = sparse.vstack([X, sparse.csr_matrix(X_new)], format=X.format)
        else:
            X_resampled = np.vstack([X, X_new])
        return X_resampled, np.hstack([y, y_new])

    def generate(self, y, *, random_state=None):
        """Generate one new sample for each class label in ``y``.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Class labels seen during :meth:`fit_resample`, one per sample to
            generate.
        random_state : int, RandomState instance or None, default=None
            Seed of this call's random stream. None draws fresh samples on
            every call; an int makes the call reproducible.

        Returns
        -------
        X_generated : {ndarray, dataframe} of shape (n_samples, n_features)
            Samples like the training ``X``: a DataFrame with its columns and
            their dtypes when ``X`` was one, a 3-D/4-D array when ``X`` was
            one, else dense rows of its dtype (also for a sparse ``X``).
        """
        check_is_fitted(self, "history_")
        # Parameters read at generation time may have been set after fitting.
        self._validate_params()
        y = column_or_1d(y, warn=True)
        class_codes = np.searchsorted(self.classes_, y)
        unknown = (class_codes >= len(self.classes_)) | (
            self.classes_[np.minimum(class_codes, len(self.classes_) - 1)] != y
        )
        if np.any(unknown):
            raise ValueError(
                f"y contains labels {np.unique(y[unknown]).tolist()} that were not "
                f"seen during fit_resample; known labels: {self.classes_.tolist()}."
            )
        self._check_labels_can_be_generated(y)
        device = resolve_device(self.device)
        with torch_random_stream(draw_seed(random_state), device):
            rows = self._generate_rows(class_codes.astype(np.intp), device)
        modules_to_cpu(*(getattr(self, name) for name in self._module_attributes))
        if hasattr(self, "feature_dtypes_"):
            import pandas as pd

            return pd.DataFrame(rows, columns=self.feature_dtypes_.index).astype(
                self.feature_dtypes_
            )
        return restore_array_shape(rows, self.input_image_shape_)

    def _check_generator_varies(
        self, class_codes: np.ndarray, data: torch.Tensor, labels: torch.Tensor
    ) -> None:
        """Raise a FloatingPointError if the generator collapsed to one sample.

        A few samples of each class in ``class_codes`` are drawn on a forked
        random stream (the samples ``fit_resample`` returns do not change).
        A class whose real rows differ but whose samples are all the same
        network output (a saturated or dead generator) has collapsed.
        """
        varied = [
            code
            for code in class_codes.tolist()
            if len(torch.unique(data[labels == code], dim=0)) > 1
        ]
        if not varied:
            return
        codes = torch.as_tensor(
            np.repeat(varied, COLLAPSE_PROBE_SIZE), device=data.device
        )
        networks = generation_networks(
            {name: getattr(self, name) for name in self._module_attributes},
            torch.float32,
            data.device,
        )
        cuda = [data.device] if data.device.type == "cuda" else []
        with torch.random.fork_rng(devices=cuda), torch.no_grad():
            outputs = self._generate_network_outputs(codes, networks)
        outputs = outputs.float().reshape(len(varied), COLLAPSE_PROBE_SIZE, -1)
        spread = (outputs.amax(dim=1) - outputs.amin(dim=1)).amax(dim=1)
        collapsed = [
            code
            for code, value in zip(varied, spread.tolist(), strict=True)
            if value <= 1e-6
        ]
        if collapsed:
            learning_rates = sorted(
                name for name in self.get_params() if name.endswith("learning_rate")
            )
            raise FloatingPointError(
                f"{type(self).__name__} collapsed: the generator gives one and the "
                f"same sample for every latent draw of class "
                f"{self.classes_[collapsed[0]]!r}, so its synthetic rows would all "
                "be copies of one row. Lower the learning rates "
                f"({', '.join(learning_rates)})."
            )

    def _check_labels_can_be_generated(self, labels: np.ndarray) -> None:
        """Raise a ValueError for known labels the fitted networks cannot draw.

        Every class can be generated unless a recipe learns only some of them.
        """

    def _generate_rows(
        self, class_codes: np.ndarray, device: torch.device
    ) -> np.ndarray:
        """Rows of X for ``class_codes``, generated and converted in chunks.

        Each chunk is converted to the training data's dtype as soon as it is
        generated, so the float64 arithmetic of the conversion never holds
        more than one chunk.
        """
        rows = [np.empty((0, self.n_features_in_), dtype=self.data_layout_.dtype)]
        chunk = self._generation_chunk_size(device)
        dtype = generation_dtype(
            self.generation_precision,
            device,
            convolutional=self._convolutional_generator
            and self.data_layout_.image_shape is not None,
        )
        networks = generation_networks(
            {name: getattr(self, name) for name in self._module_attributes},
            dtype,
            device,
        )
        progress = generation_progress(
            type(self).__name__, len(class_codes), self.verbose
        )
        with progress, torch.no_grad(), generation_autocast(dtype, device):
            for start in range(0, len(class_codes), chunk):
                codes = torch.as_tensor(
                    class_codes[start : start + chunk], device=device
                )
                outputs = self._generate_network_outputs(codes, networks)
                outputs = outputs.float().cpu().numpy()
                if not np.all(np.isfinite(outputs)):
                    raise FloatingPointError(
                        f"{type(self).__name__} generated non-finite values; the "
                        "networks diverged. Lower the learning rates or the number "
                        "of epochs."
                    )
                uniforms = None
                if self.data_layout_.drawn.any():
                    uniforms = torch.rand(
                        self.data_layout_.n_uniforms(len(outputs))
                    ).numpy()
                rows.append(self.data_layout_.from_network(outputs, uniforms))
                progress.update(len(outputs))
        return np.concatenate(rows)

    @abstractmethod
    def _fit_networks(
        self,
        data: torch.Tensor,
        labels: torch.Tensor,
        n_classes: int,
        monitor: TrainingMonitor,
    ) -> None:
        """Train the method's networks on ``data`` (network layout, [-1, 1]).

        ``labels`` holds class codes ``0 .. n_classes - 1``. Sets the fitted
        attributes named in ``_module_attributes``; runs inside this call's
        random stream.
        """

    def _generation_chunk_size(self, device: torch.device) -> int:
        """How many class codes one ``_generate_network_outputs`` call gets."""
        return CPU_GENERATION_CHUNK if device.type == "cpu" else GPU_GENERATION_CHUNK

    @abstractmethod
    def _generate_network_outputs(
        self, class_codes: torch.Tensor, networks: dict[str, torch.nn.Module]
    ) -> torch.Tensor:
        """Generate one network-space sample per class code (under no_grad).

        ``networks`` holds the fitted modules named in ``_module_attributes``,
        by name, ready for generation (see
        :func:`~skgan_sampler._training.generation_networks`): use them, not
        the attributes.
        """
