"""Run the benchmark matrix (dataset x method x seed) and write its report.

Examples
--------
::

    python benchmarks/run.py --config quick --output-dir benchmarks/runs/quick
    python benchmarks/run.py --config full --output-dir benchmarks/runs/full \\
        --methods none,SMOTE,BAGANSampler --seeds 0,1 --n-jobs 1
    python benchmarks/run.py --config full --output-dir benchmarks/runs/full \\
        --scheduler tcp://127.0.0.1:8786
    python benchmarks/run.py --config full --output-dir runs/full --dry-run
    python benchmarks/run.py --report-only --output-dir benchmarks/runs/quick

Every finished cell is written to ``<output-dir>/cells/<key>.json`` at once
(atomically), so an interrupted run resumes where it stopped: a rerun skips
cells whose file exists with the same settings. See ``benchmarks/README.md``.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

# The benchmark modules live beside this script, which Python puts first on
# sys.path when it runs the script; loky's worker processes start with the
# parent's sys.path, so they import them too. Dask workers need benchmarks/
# on their PYTHONPATH (see benchmarks/README.md).
import _protocols
import configs
import joblib
from _protocols import Cell
from configs import Config


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def plan_cells(
    config: Config,
    *,
    torch_threads: int | None = None,
    n_parallel: int = 1,
    data_home: str | os.PathLike[str] | None = None,
) -> list[Cell]:
    """Every cell of a configuration, in order, without duplicates.

    ``data_home`` is the folder of the image datasets the cells read; None
    leaves it to the package's loaders.
    """
    cells: dict[str, Cell] = {}
    for experiment in config.experiments:
        for method in configs.expand_methods(experiment.methods):
            for seed in experiment.seeds:
                cell = Cell(
                    experiment, method, seed, torch_threads, n_parallel, data_home
                )
                cells.setdefault(cell.key, cell)
    return list(cells.values())


def cell_path(output_dir: Path, key: str, *, error: bool = False) -> Path:
    """Where a cell's result (or error record) is stored."""
    return (
        Path(output_dir) / "cells" / (f"{key}.error.json" if error else f"{key}.json")
    )


def write_json_atomic(path: Path, value: Any) -> None:
    """Write JSON to a temporary file beside ``path``, then rename it.

    A run killed mid-write leaves either the old file or none, never a
    truncated one that a resumed run would take for a finished cell.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, indent=1, default=_json_default))
    os.replace(tmp, path)


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return repr(value)


def stored_result(cell: Cell, output_dir: Path) -> dict[str, Any] | None:
    """The cell's finished result on disk, whatever its settings, or None."""
    path = cell_path(output_dir, cell.key)
    try:
        stored = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return stored if stored.get("status") == "ok" else None


def finished_status(cell: Cell, output_dir: Path) -> str:
    """ "done", "changed" (stored with other settings), "incomplete" (stored
    without the augmented SmallCNN the experiment asks for, or with one of
    other settings) or "pending"."""
    stored = stored_result(cell, output_dir)
    if stored is None:
        return "pending"
    if stored.get("settings_hash") != cell.settings_hash():
        return "changed"
    augmented = cell.augmented_settings_hash()
    if augmented is None:
        return "done"
    entry = stored["downstream"].get(configs.AUGMENTED_SMALLCNN) or {}
    return "done" if entry.get("settings_hash") == augmented else "incomplete"


def _parallel(n_jobs: int, scheduler: str | None) -> joblib.Parallel:
    # Results come back as they finish, so each is stored and reported at
    # once instead of when the slowest cell of the batch is done.
    return joblib.Parallel(
        n_jobs=-1 if scheduler else n_jobs, return_as="generator_unordered"
    )


def _load_or_train_references(
    cells: Sequence[Cell], output_dir: Path, n_jobs: int, scheduler: str | None
) -> dict[str, dict[str, Any]]:
    """Reference classifiers of protocol (b), trained once per (dataset, seed).

    They are trained here, before the cells and in parallel, so that two cells
    of one (dataset, seed) never both train it; the client stores them with
    joblib under ``<output-dir>/reference/`` for later runs.
    """
    needed: dict[str, Cell] = {}
    for cell in cells:
        if configs.generates_samples(cell.method):
            key = _protocols.reference_key(cell.experiment, cell.seed)
            needed.setdefault(key, cell)
    references = {}
    missing = []
    for key, cell in needed.items():
        path = _reference_path(output_dir, key)
        if path.exists():
            references[key] = joblib.load(path)
        else:
            missing.append(cell)
    if missing:
        references.update(_train_references(missing, output_dir, n_jobs, scheduler))
    return references


def _reference_path(output_dir: Path, key: str) -> Path:
    return Path(output_dir) / "reference" / f"{key}.joblib"


def _train_references(
    cells: list[Cell], output_dir: Path, n_jobs: int, scheduler: str | None
) -> dict[str, dict[str, Any]]:
    """Train the reference of each cell's (dataset, seed) and store each one."""
    _log(f"training {len(cells)} reference classifier(s) for protocol (b)")
    tasks = (
        joblib.delayed(_protocols.train_reference)(
            cell.experiment,
            cell.seed,
            cell.torch_threads,
            cell.n_parallel,
            cell.data_home,
        )
        for cell in cells
    )
    references = {}
    for reference in _parallel(n_jobs, scheduler)(tasks):
        path = _reference_path(output_dir, reference["key"])
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        joblib.dump(reference, tmp)
        os.replace(tmp, path)
        references[reference["key"]] = reference
        _log(
            f"reference {reference['key']}: {reference['n_per_class']} per class, "
            f"{reference['train_seconds']:.1f} s, test balanced accuracy "
            f"{reference['test_balanced_accuracy']:.3f}"
        )
    return references


def run_cells(
    cells: Sequence[Cell],
    output_dir: str | os.PathLike[str],
    *,
    n_jobs: int = 1,
    scheduler: str | None = None,
) -> list[dict[str, Any]]:
    """Run the cells not finished yet and store each result as it arrives.

    Parameters
    ----------
    cells : sequence of Cell
        The cells; finished ones (same key and settings on disk) are skipped.
    output_dir : path-like
        The run folder (``cells/``, ``reference/``).
    n_jobs : int, default=1
        Cells run at once through joblib (loky processes); ignored with a
        scheduler. Give the cells ``n_parallel=n_jobs`` (see
        :func:`plan_cells`) so each gets its share of the cores.
    scheduler : str or None, default=None
        Address of a Dask scheduler (``tcp://host:port``): the cells run on
        its workers through joblib's Dask backend. The workers need this
        repository's ``benchmarks/`` on their ``PYTHONPATH``.

    Returns
    -------
    results : list of dict
        The results (and error records) of the cells run now.
    """
    output_dir = Path(output_dir)
    pending = _pending_cells(cells, output_dir)
    if not pending:
        return []
    results = []
    started = time.perf_counter()
    with _cluster(scheduler):
        # A cell being completed scores no generated samples.
        to_score = [cell for cell, stored in pending if stored is None]
        references = _load_or_train_references(to_score, output_dir, n_jobs, scheduler)
        tasks = (
            # run_cell_safely looks run_cell up at call time, so a test
            # can monkeypatch it; workers only need _protocols and configs.
            joblib.delayed(_protocols.run_cell_safely)(
                cell, _reference_of(cell, references), stored
            )
            for cell, stored in pending
        )
        for index, result in enumerate(_parallel(n_jobs, scheduler)(tasks), 1):
            elapsed = configs.format_seconds(time.perf_counter() - started)
            _store_result(result, output_dir)
            progress = f"({index}/{len(pending)}) {result['key']}"
            if result["status"] == "ok":
                _log(
                    f"done   {progress} in {result['cell_seconds']:.1f} s; "
                    f"run elapsed {elapsed}"
                )
            else:
                _log(f"FAILED {progress}: {result['error']}; run elapsed {elapsed}")
            results.append(result)
    return results


def _pending_cells(
    cells: Sequence[Cell], output_dir: Path
) -> list[tuple[Cell, dict[str, Any] | None]]:
    """The cells to run, each with its stored result when only the augmented
    SmallCNN is missing (None: run it whole); logs the counts."""
    pending: list[tuple[Cell, dict[str, Any] | None]] = []
    for cell in cells:
        status = finished_status(cell, output_dir)
        if status == "done":
            continue
        if status == "changed":
            _log(f"settings of {cell.key} changed since it ran; recomputing")
        stored = stored_result(cell, output_dir) if status == "incomplete" else None
        pending.append((cell, stored))
    n_completed = sum(stored is not None for _, stored in pending)
    _log(
        f"{len(cells)} cells, {len(cells) - len(pending)} already finished, "
        f"{len(pending)} to run ({n_completed} of them only to add the "
        "augmented SmallCNN)"
    )
    return pending


@contextlib.contextmanager
def _cluster(scheduler: str | None) -> Iterator[None]:
    """joblib's Dask backend on the scheduler's cluster, if one is given."""
    if not scheduler:
        yield
        return
    from distributed import Client

    client = Client(scheduler)
    _log(f"running on the Dask cluster at {scheduler}")
    try:
        with joblib.parallel_config(backend="dask"):
            yield
    finally:
        client.close()


def _reference_of(
    cell: Cell, references: dict[str, dict[str, Any]]
) -> dict[str, Any] | None:
    if not configs.generates_samples(cell.method):
        return None
    return references.get(_protocols.reference_key(cell.experiment, cell.seed))


def _store_result(result: dict[str, Any], output_dir: Path) -> None:
    """Store a result; a success replaces the cell's earlier error record."""
    error_file = cell_path(output_dir, result["key"], error=True)
    if result["status"] == "ok":
        write_json_atomic(cell_path(output_dir, result["key"]), result)
        error_file.unlink(missing_ok=True)
    else:
        write_json_atomic(error_file, result)


def print_estimate(cells: Sequence[Cell], output_dir: Path, n_jobs: int) -> float:
    """Print each cell's status and estimated time; return the total wall time."""
    total = 0.0
    references = {}
    for cell in cells:
        status = finished_status(cell, output_dir)
        params = {}
        if configs.is_gan_method(cell.method):
            params = cell.settings()["sampler_params"]
            params = {k: _literal(v) for k, v in params.items()}
        if configs.generates_samples(cell.method) and status != "done":
            key = _protocols.reference_key(cell.experiment, cell.seed)
            references[key] = configs.estimate_reference_seconds(cell.experiment)
        seconds = configs.estimate_cell_seconds(cell.experiment, cell.method, params)
        if status != "done":
            total += seconds
        print(f"{status:8s} ~{configs.format_seconds(seconds)}  {cell.key}")
    total += sum(references.values())
    wall = total / max(1, n_jobs)
    print(
        f"{len(references)} reference classifier(s); estimated wall time of the "
        f"cells still to run: {configs.format_seconds(wall)} on an idle 2-core "
        "CPU (a rough cost model from DESIGN.md's per-epoch measurements; "
        "parallel cells share the same cores, so n_jobs barely helps there)"
    )
    return wall


def _literal(text: str) -> Any:
    import ast

    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _split(text: str | None, kind: type = str) -> list | None:
    return None if text is None else [kind(item) for item in text.split(",") if item]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", choices=sorted(configs.CONFIGS), default="quick")
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument(
        "--methods",
        help="comma-separated method names (or 'all', 'GAN'); replaces the "
        f"config's. Known: {','.join(configs.available_methods())}",
    )
    parser.add_argument("--seeds", help="comma-separated seeds; replaces the config's")
    parser.add_argument(
        "--datasets", help="comma-separated dataset names of the config to keep"
    )
    parser.add_argument(
        "--npz",
        action="append",
        default=[],
        help="add a tabular dataset from an npz file (X_train, y_train, X_test, "
        "y_test or X, y); repeatable",
    )
    parser.add_argument(
        "--data-home",
        type=Path,
        default=configs.default_data_home(),
        help="folder of the image datasets, one sub-folder per dataset "
        f"(default: ${configs.DATA_HOME_ENV_VAR} if set, else shared/data beside "
        "the repository: %(default)s)",
    )
    parser.add_argument("--n-jobs", type=int, default=1, help="cells run at once")
    parser.add_argument(
        "--torch-threads",
        type=int,
        help="torch threads per cell (default: cores // n_jobs, or cores // "
        "worker threads on a Dask worker)",
    )
    parser.add_argument("--scheduler", help="Dask scheduler address, tcp://host:port")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="list the cells with estimated times and exit",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="only re-render the report from the stored cells",
    )
    return parser


def _run_config_record(
    config: Config,
    cells: Sequence[Cell],
    args: argparse.Namespace,
    argv: Sequence[str] | None,
) -> dict[str, Any]:
    """What ``run_config.json`` keeps of a run: the report's configuration."""
    overrides = (
        ("methods", args.methods),
        ("seeds", args.seeds),
        ("datasets", args.datasets),
        ("npz", ",".join(args.npz)),
    )
    return {
        "config": config.name,
        "notes": config.notes,
        "overrides": {name: value for name, value in overrides if value},
        "command": " ".join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])]),
        "cells": [cell.key for cell in cells],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; see ``python benchmarks/run.py --help``."""
    args = _parser().parse_args(argv)

    import _report

    output_dir = args.output_dir
    if not args.report_only:
        config = configs.get_config(
            args.config,
            methods=_split(args.methods),
            seeds=_split(args.seeds, int),
            datasets=_split(args.datasets),
            npz_paths=args.npz,
        )
        n_jobs = joblib.cpu_count() if args.n_jobs < 0 else args.n_jobs
        n_parallel = 1 if args.scheduler else max(1, n_jobs)
        cells = plan_cells(
            config,
            torch_threads=args.torch_threads,
            n_parallel=n_parallel,
            data_home=args.data_home,
        )
        if args.dry_run:
            print_estimate(cells, output_dir, n_parallel)
            return 0
        output_dir.mkdir(parents=True, exist_ok=True)
        write_json_atomic(
            output_dir / "run_config.json",
            _run_config_record(config, cells, args, argv),
        )
        run_cells(cells, output_dir, n_jobs=n_parallel, scheduler=args.scheduler)
    report = _report.write_report(output_dir)
    _log(f"report: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
