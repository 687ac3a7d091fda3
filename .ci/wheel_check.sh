#!/usr/bin/env bash
# Build the wheel and the sdist, install the wheel (not editable) into a fresh
# virtual environment and use the installed package from outside the
# repository, so that the checks see only what the wheel ships.
#
# Usage: .ci/wheel_check.sh   (from anywhere; needs `build`, from the test
# extra, in $PYTHON's environment)
#   PYTHON      interpreter that builds; default .venv/bin/python
#   TORCH_SPEC  pip arguments for torch; default the Makefile's
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO_ROOT"
PYTHON="${PYTHON:-.venv/bin/python}"
# The Makefile's default, so that CI installs the same torch build everywhere.
TORCH_SPEC="${TORCH_SPEC:-$(sed -n 's/^TORCH_SPEC ?= //p' Makefile)}"

step() { echo "== [${SECONDS} s] $*"; }
SECONDS=0
WORK="$(mktemp -d)"
# Deleting the virtual environment (torch included) can take a while.
trap 'step "removing $WORK"; rm -rf "$WORK"' EXIT

step "build: wheel and sdist into $WORK/dist"
"$PYTHON" -m build --outdir "$WORK/dist" . >"$WORK/build.log" 2>&1 || {
    cat "$WORK/build.log"
    exit 1
}
wheels=("$WORK"/dist/*.whl)
sdists=("$WORK"/dist/*.tar.gz)
if [[ ${#wheels[@]} -ne 1 || ${#sdists[@]} -ne 1 ]]; then
    echo "FAIL: expected one wheel and one sdist, got: $(ls "$WORK/dist")" >&2
    exit 1
fi
wheel="${wheels[0]}"
sdist="${sdists[0]}"
# A wheel is named <name>-<version>-<tags>.whl.
wheel_version="$(basename "$wheel" | cut -d- -f2)"
echo "   $(basename "$wheel")"
echo "   $(basename "$sdist")"

step "fresh virtual environment; pip install $TORCH_SPEC, then the wheel"
"$PYTHON" -m venv "$WORK/venv"
venv_python="$WORK/venv/bin/python"
# TORCH_SPEC is unquoted on purpose: it may hold several pip arguments.
# shellcheck disable=SC2086
"$venv_python" -m pip install --quiet --disable-pip-version-check $TORCH_SPEC
"$venv_python" -m pip install --quiet --disable-pip-version-check "$wheel"

step "checks, run from $WORK/outside with python -I (no repository on sys.path)"
mkdir "$WORK/outside"
cd "$WORK/outside"
"$venv_python" -I - "$wheel_version" "$sdist" "$WORK/venv" <<'EOF'
import importlib.metadata
import sys
import tarfile
from pathlib import Path

import numpy as np
import torch

wheel_version, sdist, venv = sys.argv[1:]
torch.set_num_threads(1)


def check(condition, what):
    if not condition:
        sys.exit(f"FAIL: {what}")
    print(f"   ok: {what}")


import skgan_sampler  # noqa: E402
from skgan_sampler.datasets import load_image_folder, save_image_folder  # noqa: E402

package = Path(skgan_sampler.__file__).resolve().parent
check(
    package.is_relative_to(Path(venv).resolve()),
    f"skgan_sampler imported from the installed wheel ({package})",
)
check(
    skgan_sampler.__version__ == wheel_version,
    f"skgan_sampler.__version__ {skgan_sampler.__version__!r} is the wheel's "
    f"version {wheel_version!r}",
)
check(
    importlib.metadata.version("skgan_sampler") == wheel_version,
    "the installed distribution's metadata has the same version",
)
check((package / "py.typed").is_file(), "py.typed is installed")
with tarfile.open(sdist) as archive:
    names = archive.getnames()
root = f"skgan_sampler-{wheel_version}"
check(
    f"{root}/skgan_sampler/py.typed" in names and f"{root}/pyproject.toml" in names,
    "the sdist holds py.typed and pyproject.toml",
)

# A tiny image folder: 2 classes of 8x8 RGB images, imbalanced 12 to 4.
rng = np.random.default_rng(0)
images = rng.integers(0, 256, size=(16, 8, 8, 3), dtype=np.uint8)
labels = np.array(["common"] * 12 + ["rare"] * 4)
save_image_folder(images, labels, "images", image_shape=(8, 8, 3))
data = load_image_folder("images")
check(
    data.data.shape == (16, 192)
    and data.image_shape == (8, 8, 3)
    and data.target_names == ["common", "rare"]
    and np.array_equal(data.data, images.reshape(16, -1)),
    "save_image_folder -> load_image_folder gives the images back",
)

sampler = skgan_sampler.BAGANSampler(
    image_shape=data.image_shape,
    latent_dim=4,
    ae_epochs=1,
    gan_epochs=1,
    random_state=0,
    device="cpu",
)
X_res, y_res = sampler.fit_resample(data.data, data.target)
check(
    X_res.shape == (24, 192)
    and X_res.dtype == np.uint8
    and np.bincount(y_res).tolist() == [12, 12],
    "BAGANSampler.fit_resample balances the loaded rows (12 + 12, uint8)",
)
EOF
step "wheel check passed"
