"""Every gallery example in ``examples/`` runs to the end.

The documentation build executes the examples too (sphinx-gallery); this test
proves they run even where the docs are not built. It also checks that the API
reference lists every public name.
"""

# Authors: skgan_sampler developers
# License: MIT

import ast
import re
import runpy
from pathlib import Path

import pytest

import skgan_sampler
import skgan_sampler.datasets
import skgan_sampler.diagnostics
import skgan_sampler.metrics
import skgan_sampler.preprocessing

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO_ROOT / "examples").glob("plot_*.py"))


def _gallery_setting(name):
    """The source of a sphinx_gallery_conf entry in docs/conf.py."""
    conf = (REPO_ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(conf)):
        if isinstance(node, ast.Assign) and node.targets[0].id == "sphinx_gallery_conf":
            for key, value in zip(node.value.keys, node.value.values, strict=True):
                if key.value == name:
                    return ast.get_source_segment(conf, value)
    raise KeyError(name)


def test_examples_are_the_ones_the_gallery_executes():
    # sphinx-gallery runs the files of examples_dirs whose path matches
    # filename_pattern; this module runs EXAMPLES: the two sets must agree.
    assert _gallery_setting("examples_dirs") == 'str(REPO_ROOT / "examples")'
    pattern = re.compile(ast.literal_eval(_gallery_setting("filename_pattern")))
    executed = {
        path
        for path in (REPO_ROOT / "examples").glob("*.py")
        if pattern.search(path.as_posix())
    }
    assert executed == set(EXAMPLES)
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_runs(path, monkeypatch, tmp_path, one_torch_thread):
    pytest.importorskip("pandas")
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    source = path.read_text(encoding="utf-8")
    assert source.startswith('"""\n='), "sphinx-gallery needs a reST title docstring"
    monkeypatch.chdir(tmp_path)
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        plt.close("all")


def test_api_reference_lists_every_public_name():
    api = (REPO_ROOT / "docs" / "api.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\s+([\w.]+)\s*$", api, re.MULTILINE))
    public = {name for name in skgan_sampler.__all__ if not name.startswith("_")}
    public |= {f"datasets.{name}" for name in skgan_sampler.datasets.__all__}
    public |= {f"diagnostics.{name}" for name in skgan_sampler.diagnostics.__all__}
    public |= {f"preprocessing.{name}" for name in skgan_sampler.preprocessing.__all__}
    public |= {
        f"metrics.{name}"
        for name, value in vars(skgan_sampler.metrics).items()
        if callable(value)
        and not name.startswith("_")
        and getattr(value, "__module__", None) == "skgan_sampler.metrics"
    }
    assert public - listed == set(), "add these names to docs/api.rst"
