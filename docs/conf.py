"""Sphinx configuration of the skgan_sampler documentation.

Build (warnings are errors; sphinx-gallery executes ``examples/plot_*.py``)::

    .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

# Authors: skgan_sampler developers
# License: MIT

import os
import re
import sys
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent
REPO_ROOT = DOCS_DIR.parent
sys.path.insert(0, str(DOCS_DIR))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import torch  # noqa: E402
from sampler_figures import draw_all  # noqa: E402

import skgan_sampler  # noqa: E402

# The examples train small networks in this process. On a 2-core machine that
# is busy with other work, torch's default of one thread per core was measured
# about ten times slower than a single thread (threads wait on each other), so
# the docs build uses one thread unless SKGAN_DOCS_NUM_THREADS says otherwise.
torch.set_num_threads(int(os.environ.get("SKGAN_DOCS_NUM_THREADS", "1")))

# -- Project -----------------------------------------------------------------

project = "skgan_sampler"
author = "skgan_sampler developers"
copyright = "skgan_sampler developers, MIT licence"
release = skgan_sampler.__version__
version = re.sub(r"(\.dev\d*|rc\d*|a\d*|b\d*)$", "", release)

# -- Extensions --------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "generated/backreferences"]
root_doc = "index"
default_role = "literal"

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# No intersphinx: the docs must build without network access. Names of other
# libraries (scikit-learn, imbalanced-learn, torch) render as plain text.

# -- Example gallery ---------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": str(REPO_ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("skgan_sampler",),
    "backreferences_dir": "generated/backreferences",
    "image_scrapers": ("matplotlib",),
    "remove_config_comments": True,
    "min_reported_time": 0,
    "show_memory": False,
    "download_all_examples": False,
    "plot_gallery": "True",
    # No docs/sg_execution_times.rst (a generated file outside the ignored
    # folders); the build log still lists each example's time.
    "write_computation_times": False,
}

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skgan_sampler {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "navbar_align": "left",
    "show_prev_next": True,
    # Gallery pages are code and figures: give them the width of the
    # right-hand "on this page" column.
    "secondary_sidebar_items": {
        "index": [],
        "changelog": [],
        "api": ["page-toc"],
        "user_guide/*": ["page-toc"],
        "generated/*": ["page-toc"],
        "auto_examples/*": [],
    },
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "changelog": []}
html_show_sourcelink = False

# -- Checks and generated figures --------------------------------------------


def _check_api_covers_public_names(app):
    """Warn (an error under -W) when a public name is missing from api.rst."""
    import skgan_sampler.datasets
    import skgan_sampler.diagnostics
    import skgan_sampler.metrics
    import skgan_sampler.preprocessing

    api_text = (DOCS_DIR / "api.rst").read_text(encoding="utf-8")
    public = [name for name in skgan_sampler.__all__ if not name.startswith("_")]
    public += [f"datasets.{name}" for name in skgan_sampler.datasets.__all__]
    public += [f"diagnostics.{name}" for name in skgan_sampler.diagnostics.__all__]
    public += [
        f"preprocessing.{name}" for name in skgan_sampler.preprocessing.__all__
    ]
    public += [
        f"metrics.{name}"
        for name in dir(skgan_sampler.metrics)
        if not name.startswith("_")
        and callable(getattr(skgan_sampler.metrics, name))
        and getattr(getattr(skgan_sampler.metrics, name), "__module__", "")
        == "skgan_sampler.metrics"
    ]
    missing = [
        name
        for name in public
        if not re.search(rf"^\s+{re.escape(name)}\s*$", api_text, re.M)
    ]
    if missing:
        from sphinx.util import logging

        logging.getLogger(__name__).warning(
            "docs/api.rst does not list the public names %s; add them.", missing
        )


def _escape_fitted_names_in_types(app, what, name, obj, options, lines):
    """Quote ``(n_features_in_,)`` in docstring type specs.

    A bare ``n_features_in_`` is a reST reference (trailing underscore) and
    breaks the build; scikit-learn writes it as ``(`n_features_in_`,)``.
    """
    for index, line in enumerate(lines):
        lines[index] = line.replace("(n_features_in_,)", "(``n_features_in_``,)")


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Document the methods written in this package, not those of its bases.

    ``get_params``, ``set_params``, ``score``, the metadata-routing methods
    and the like are scikit-learn's and documented there; their docstrings
    also link to labels that only exist in scikit-learn's documentation.
    """
    module = getattr(obj, "__module__", None)
    if module is not None and not module.startswith("skgan_sampler"):
        return True
    return None


def _draw_figures(app):
    """Draw the sampler stage diagrams into docs/generated/ (gitignored)."""
    draw_all(DOCS_DIR / "generated" / "figures")


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
    # Before numpydoc (priority 500) turns the sections into reST.
    app.connect(
        "autodoc-process-docstring", _escape_fitted_names_in_types, priority=100
    )
    app.connect("builder-inited", _draw_figures)
    app.connect("builder-inited", _check_api_covers_public_names)
