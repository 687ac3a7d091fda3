"""Device, precision, random streams, mini-batches, progress and the
divergence guard."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import contextlib
import math
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from numbers import Integral

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options
from tqdm.auto import tqdm

from ._networks import channels_last_inference_copy

GENERATION_PRECISIONS = {"auto", "float32", "bfloat16"}
# An epoch's mean loss above this (or not finite) means training blew up.
# The losses are means over data scaled to [-1, 1]: reconstruction errors
# stay below 4, cross-entropies near log(n_classes), gradient penalties of
# a healthy critic in the hundreds at most.
MAX_LOSS = 1e6
# Device types the networks are trained on; torch knows others ("meta",
# "xla", ...) on which training fails half-way.
DEVICE_TYPES = ("cpu", "cuda", "mps")


class DeviceConstraint(Options):
    """The ``device`` values torch users write: "auto", "cpu", "cuda:1", "mps"...

    Accepted: "auto", and any string or :class:`torch.device` that torch
    parses as a device of the types in :data:`DEVICE_TYPES`. An ``Options``
    subclass because scikit-learn's validation takes no other custom
    constraint.
    """

    def __init__(self) -> None:
        super().__init__(object, {"auto"})

    def is_satisfied_by(self, val: object) -> bool:
        if isinstance(val, str) and val == "auto":
            return True
        if not isinstance(val, str | torch.device):
            return False
        try:
            return torch.device(val).type in DEVICE_TYPES
        except (RuntimeError, TypeError, ValueError):
            return False

    def __str__(self) -> str:
        return (
            "'auto', 'cpu', 'cuda', 'cuda:<index>', 'mps' or a torch.device of "
            "one of those types"
        )


#: Constraints of the ``batch_size`` parameter: batch statistics of a single
#: row are undefined, so mini-batches have at least two rows.
BATCH_SIZE_CONSTRAINTS = [Interval(Integral, 2, None, closed="left")]
DEVICE_CONSTRAINTS = [DeviceConstraint()]


def resolve_device(device: str | torch.device) -> torch.device:
    """Turn the ``device`` parameter into a :class:`torch.device`.

    ``"auto"`` picks CUDA when a GPU is visible and the CPU otherwise. Asking
    for CUDA or MPS on a machine without one warns and falls back to the CPU,
    so a pipeline written on a GPU workstation still runs on a laptop or in
    CI; a CUDA index the machine does not have is a ``ValueError``.
    """
    resolved = torch.device(device if device != "auto" else _default_device())
    available = {
        "cpu": True,
        "cuda": torch.cuda.is_available(),
        "mps": torch.backends.mps.is_available(),
    }[resolved.type]
    if not available:
        warnings.warn(
            f"device={device!r} was requested but {resolved.type.upper()} is not "
            "available; training on the CPU instead. Pass device='cpu' to "
            "silence this warning.",
            UserWarning,
            stacklevel=3,
        )
        return torch.device("cpu")
    if resolved.type == "cuda" and (resolved.index or 0) >= torch.cuda.device_count():
        raise ValueError(
            f"device={device!r} names a GPU this machine does not have: it has "
            f"{torch.cuda.device_count()} CUDA device(s). Pass device='cuda' or "
            "device='auto'."
        )
    return resolved


def _default_device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


def generation_dtype(
    precision: str, device: torch.device, convolutional: bool
) -> torch.dtype:
    """The dtype the networks compute in while they generate samples.

    ``"auto"`` picks bfloat16 for convolutional generators on a CPU with AMX
    matrix units (Intel Xeon Sapphire Rapids and newer), where oneDNN runs
    bfloat16 convolutions on them. Everywhere else it keeps float32: without
    AMX bfloat16 is no faster on a CPU, GPUs are fast in float32, tabular
    features would be rounded to about 1/256 of their range, and GAMO's MLP
    generator only gains the casts (see :ref:`design_notes`).
    """
    if precision == "auto":
        fast = convolutional and device.type == "cpu" and _cpu_has_amx()
        precision = "bfloat16" if fast else "float32"
    return torch.bfloat16 if precision == "bfloat16" else torch.float32


def generation_networks(
    modules: dict[str, torch.nn.Module], dtype: torch.dtype, device: torch.device
) -> dict[str, torch.nn.Module]:
    """The fitted ``modules`` (by attribute name) ready to generate on ``device``.

    They are moved to ``device`` in evaluation mode. For bfloat16 the
    networks are copies with channels-last feature maps and folded
    BatchNorms (:func:`channels_last_inference_copy`), on which oneDNN's
    bfloat16 convolutions are much faster; the fitted weights are left
    untouched. Float32 uses the fitted networks as they are.
    """
    networks = {}
    for name, module in modules.items():
        module.to(device).eval()
        if dtype != torch.float32:
            module = channels_last_inference_copy(module)
        networks[name] = module
    return networks


def in_batches(
    network: Callable[[torch.Tensor], torch.Tensor],
    inputs: torch.Tensor,
    batch_size: int,
    *,
    pad: bool = False,
) -> torch.Tensor:
    """``network(inputs)``, computed ``batch_size`` rows at a time.

    With ``pad``, a batch of fewer rows is padded with copies of its first
    row to the next power of two (the padding's outputs are dropped), for a
    network in evaluation mode, whose rows do not interact. A CPU builds new
    convolution kernels for every new batch size; padded passes reuse a few
    sizes, so small redraws stay cheap.
    """
    outputs = []
    for batch in inputs.split(batch_size):
        n_rows = len(batch)
        if pad and 0 < n_rows < batch_size:
            padded_rows = min(batch_size, 1 << (n_rows - 1).bit_length())
            padding = batch[:1].expand(padded_rows - n_rows, *batch.shape[1:])
            batch = torch.cat([batch, padding])
        outputs.append(network(batch)[:n_rows])
    return outputs[0] if len(outputs) == 1 else torch.cat(outputs)


def _cpu_has_amx() -> bool:
    # A private torch helper; a build without it is treated as having no AMX.
    return bool(getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)())


def generation_autocast(dtype: torch.dtype, device: torch.device):
    """Autocast to ``dtype`` on ``device``; a no-op for float32."""
    return torch.autocast(device.type, dtype=dtype, enabled=dtype != torch.float32)


def draw_seed(random_state) -> int:
    """Draw one torch seed from ``random_state`` (None, int or RandomState)."""
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


@contextlib.contextmanager
def torch_random_stream(seed: int, device: torch.device) -> Iterator[None]:
    """Seed torch's global generators inside a fork, restoring them on exit.

    Weight initialisation, dropout and noise all draw from torch's global
    generators; forking them keeps ``random_state`` reproducible without
    changing the caller's random state.
    """
    devices = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def minibatches(
    n_samples: int, batch_size: int, device: torch.device
) -> Iterator[torch.Tensor]:
    """Yield index tensors of one shuffled pass over ``n_samples`` rows.

    The data stays on the device as one tensor and batches are index slices
    of it, which is much faster than a per-sample ``DataLoader``. A trailing
    batch of one row is dropped (when there are others) because batch
    statistics of a single row are undefined.
    """
    order = torch.randperm(n_samples, device=device)
    batch_size = min(batch_size, n_samples)
    for start in range(0, n_samples, batch_size):
        batch = order[start : start + batch_size]
        if len(batch) == 1 and n_samples > 1:
            return
        yield batch


def class_batch_sampler(
    labels: torch.Tensor, n_classes: int, batch_size: int
) -> Callable[[], torch.Tensor]:
    """A function that draws the row indices of a one-class mini-batch.

    Each call draws a class uniformly (rare classes as often as common
    ones), then ``min(n_c, batch_size)`` of its rows without replacement.
    """
    order = torch.argsort(labels, stable=True)
    counts = torch.bincount(labels, minlength=n_classes).tolist()
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).tolist()

    def draw() -> torch.Tensor:
        class_code = int(torch.randint(n_classes, ()))
        rows = torch.randperm(counts[class_code], device=labels.device)
        return order[starts[class_code] + rows[:batch_size]]

    return draw


def epochs_for_steps(n_samples: int, batch_size: int, n_steps: int) -> int:
    """Fewest passes over ``n_samples`` rows that make ``n_steps`` mini-batch steps."""
    batches_per_epoch = math.ceil(n_samples / min(batch_size, n_samples))
    return math.ceil(n_steps / batches_per_epoch)


class TrainingMonitor:
    """Progress bars, per-epoch loss history and the divergence guard.

    One monitor follows a whole ``fit_resample`` call; each training stage
    opens its epochs with :meth:`epochs` and reports the summed batch losses
    of an epoch with :meth:`end_epoch`.

    Parameters
    ----------
    estimator_name : str
        Used in progress bars and error messages.
    verbose : bool or int
        0 shows nothing; 1 a progress bar per stage and for generation; 2
        also every epoch's mean losses.
    """

    def __init__(self, estimator_name: str, verbose: bool) -> None:
        self.estimator_name = estimator_name
        self.verbose = verbose
        self.history: dict[str, dict[str, list[float]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self._loss_sums: dict[str, torch.Tensor] = {}
        self._n_batches = 0

    def epochs(self, stage: str, n_epochs: int, n_steps: int) -> Iterator[int]:
        """Iterate over the epochs of ``stage``; the bar advances per batch.

        ``verbose=1`` shows one bar per stage, counting mini-batches, with
        the epoch and the last epoch's mean losses beside it; ``verbose>=2``
        also prints the mean losses of every epoch on a line of its own.
        """
        self._bar = tqdm(
            total=n_steps,
            desc=f"{self.estimator_name} {stage}",
            unit="batch",
            disable=not self.verbose,
            leave=True,
        )
        with self._bar:
            for epoch in range(n_epochs):
                self._loss_sums = {}
                self._n_batches = 0
                yield epoch
                losses = self._end_epoch(stage, epoch)
                text = {name: f"{value:.4g}" for name, value in losses.items()}
                self._bar.set_postfix({"epoch": f"{epoch + 1}/{n_epochs}", **text})
                if self.verbose >= 2:
                    self._bar.write(
                        f"{self.estimator_name} {stage} epoch {epoch + 1}/{n_epochs}: "
                        + ", ".join(f"{name} {value}" for name, value in text.items())
                    )

    def add_batch(self, **losses: torch.Tensor) -> None:
        """Accumulate the losses of one batch without a device synchronisation."""
        for name, value in losses.items():
            value = value.detach()
            self._loss_sums[name] = self._loss_sums.get(name, 0.0) + value
        self._n_batches += 1
        self._bar.update()

    def _end_epoch(self, stage: str, epoch: int) -> dict[str, float]:
        means = {
            name: float(total) / max(self._n_batches, 1)
            for name, total in self._loss_sums.items()
        }
        for name, value in means.items():
            if not abs(value) <= MAX_LOSS:
                raise FloatingPointError(
                    f"{self.estimator_name} diverged: the {name} loss of the {stage} "
                    f"stage became {value:.3g} in epoch {epoch + 1}. Lower the "
                    "learning rate of that stage, or check the input for extreme "
                    "values."
                )
            self.history[stage][name].append(value)
        return means

    def history_as_dict(self) -> dict[str, dict[str, list[float]]]:
        """The per-epoch mean losses as plain nested dicts."""
        return {stage: dict(losses) for stage, losses in self.history.items()}


def generation_progress(estimator_name: str, n_samples: int, verbose) -> tqdm:
    """A progress bar over ``n_samples`` generated samples, shown when verbose."""
    return tqdm(
        total=n_samples,
        desc=f"{estimator_name} generation",
        unit="sample",
        disable=not verbose,
        leave=True,
    )


def train_stage(
    monitor: TrainingMonitor,
    stage: str,
    n_epochs: int,
    n_samples: int,
    batch_size: int,
    device: torch.device,
    step: Callable[[torch.Tensor], dict[str, torch.Tensor]],
    n_steps: int | None = None,
) -> None:
    """The training loop every stage of every method shares.

    ``step`` receives the row indices of one mini-batch, makes its optimiser
    updates and returns the batch losses by name; the monitor turns them into
    per-epoch means, progress and the divergence check. With ``n_steps``
    the stage makes exactly that many steps, whatever ``n_epochs`` says (the
    last epoch may be partial).
    """
    batch_size = min(batch_size, n_samples)
    # minibatches drops a trailing batch of one row.
    batches_per_epoch = n_samples // batch_size + (n_samples % batch_size > 1)
    if n_steps is not None:
        n_epochs = math.ceil(n_steps / batches_per_epoch)
    steps_left = n_epochs * batches_per_epoch if n_steps is None else n_steps
    for _ in monitor.epochs(stage, n_epochs, steps_left):
        for batch in minibatches(n_samples, batch_size, device):
            if steps_left == 0:
                break
            monitor.add_batch(**step(batch))
            steps_left -= 1


def optimizer_step(optimizer: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    """One gradient step on ``loss`` for the parameters of ``optimizer``."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


def adam(module: torch.nn.Module, learning_rate: float, betas=(0.5, 0.999)):
    """Adam with the GAN literature's beta1 = 0.5 (BAGAN, DCGAN, WAE)."""
    return torch.optim.Adam(module.parameters(), lr=learning_rate, betas=betas)


def modules_to_cpu(*modules: torch.nn.Module) -> None:
    """Move fitted modules to the CPU in evaluation mode.

    Fitted estimators keep their networks on the CPU so that they pickle and
    load on machines without a GPU.
    """
    for module in modules:
        module.to("cpu").eval()
