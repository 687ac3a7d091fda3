"""Draw the stage diagram of each sampler for the user guide.

``conf.py`` calls :func:`draw_all` at the start of every build, so the PNGs
(``docs/generated/figures/stages_<key>.png``, gitignored) always match the
text below. Run ``python docs/sampler_figures.py OUTPUT_DIR`` to draw them by
hand. To add a sampler, add one entry to :data:`STAGES`.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import sys
from pathlib import Path

#: For each sampler, its stages from top to bottom: (title, body text, colour
#: key). The last stage is how a new sample of class ``c`` is drawn.
STAGES: dict[str, list[tuple[str, str, str]]] = {
    "bagan": [
        (
            "1. Autoencoder",
            "encoder E, decoder Dec\non all classes\nMSE reconstruction",
            "ae",
        ),
        (
            "2. Class Gaussians",
            "fit N($\\mu_c$, $\\Sigma_c$)\nto the codes E(x)\nof each class c",
            "latent",
        ),
        (
            "3. Balancing GAN",
            "G $\\leftarrow$ Dec, D $\\leftarrow$ E's trunk\n"
            'D: K classes + "fake"\nuniform fake labels',
            "gan",
        ),
        ("Generate class c", "z ~ N($\\mu_c$, $\\Sigma_c$)\nx = G(z)", "out"),
    ],
    "bagan_gp": [
        (
            "1. Supervised\nautoencoder",
            "x' = Dec(E(x) $\\odot$ $e_y$)\nlearned class embedding $e_y$\n"
            "L1 reconstruction",
            "ae",
        ),
        (
            "2. Conditional GAN",
            "G(z, y) = Dec(z $\\odot$ $e_y$)\nD(x, y): one logit, fresh weights\n"
            "BCE + wrong label + 10 GP\n5 D steps per G step",
            "gan",
        ),
        ("Generate class c", "z ~ N(0, I)\nx = G(z, c)", "out"),
    ],
    "scdl_gan": [
        (
            "1. Supervised WAE",
            "MSE reconstruction\n+ $\\lambda$ MMD(E(x), N(0, $\\sigma^2$I))\n"
            "+ $\\lambda_2$ CE(h(E(x)), y)",
            "ae",
        ),
        (
            "2. Class Gaussians",
            "fit N($\\mu_c$, $\\Sigma_c$)\nto the codes E(x)\nof each class c",
            "latent",
        ),
        (
            "3. Balancing GAN",
            "as BAGAN:\nG $\\leftarrow$ Dec, D $\\leftarrow$ E's trunk\n"
            'K classes + "fake"',
            "gan",
        ),
        ("Generate class c", "z ~ N($\\mu_c$, $\\Sigma_c$)\nx = G(z)", "out"),
    ],
    "gamo": [
        (
            "G: convex generator",
            "cTMU(z, c) shared\nIGU$_c$: softmax weights\nover class c's samples",
            "latent",
        ),
        (
            "M: classifier",
            "learns the classes from real\n"
            "and generated samples;\nG tries to make M err",
            "ae",
        ),
        ("D: discriminator", "D(x, y): real or generated?\nG tries to fool D", "gan"),
        (
            "Generate class c",
            "x = $\\Sigma_j$ w$_j$ x$_j$,  x$_j$ in class c\n(inside its convex hull)",
            "out",
        ),
    ],
    "deepsmote": [
        (
            "1. Autoencoder",
            "encoder E, decoder Dec on all classes\nMSE reconstruction + penalty:\n"
            "one class's codes decoded shifted",
            "ae",
        ),
        (
            "2. Latent SMOTE",
            "codes E(x) of each class c\nk nearest codes within c",
            "latent",
        ),
        (
            "Generate class c",
            "z = z$_i$ + u (z$_{nn}$ - z$_i$), u ~ U(0, 1)\nx = Dec(z)",
            "out",
        ),
    ],
    "smote": [
        (
            "Neighbours",
            "k nearest neighbours\nof each sample x$_i$\nwithin class c",
            "latent",
        ),
        (
            "Generate class c",
            "x = x$_i$ + u (x$_{nn}$ - x$_i$)\nu ~ U(0, 1)",
            "out",
        ),
    ],
}

COLOURS = {
    "ae": "#dbe9f6",
    "latent": "#fdebd0",
    "gan": "#f5d5d8",
    "out": "#dcefdc",
}


def draw_stages(stages, path: Path) -> None:
    """Draw one box per stage, top to bottom, joined by arrows; save a PNG.

    Stacked boxes stay readable in the narrow text column of the theme.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    width, box_height, gap, title_width = 6.4, 0.95, 0.32, 2.4
    height = len(stages) * box_height + (len(stages) - 1) * gap
    figure = plt.figure(figsize=(width + 0.1, height + 0.1), dpi=120)
    axis = figure.add_axes((0, 0, 1, 1))
    axis.set_xlim(-0.05, width + 0.05)
    axis.set_ylim(-0.05, height + 0.05)
    axis.axis("off")
    for index, (title, body, colour) in enumerate(stages):
        bottom = height - index * (box_height + gap) - box_height
        axis.add_patch(
            FancyBboxPatch(
                (0, bottom),
                width,
                box_height,
                boxstyle="round,pad=0,rounding_size=0.1",
                facecolor=COLOURS[colour],
                edgecolor="#4a4a4a",
                linewidth=1.0,
            )
        )
        centre = bottom + box_height / 2
        axis.text(
            0.15,
            centre,
            title,
            ha="left",
            va="center",
            fontsize=11.5,
            fontweight="bold",
        )
        axis.text(
            title_width + 0.1,
            centre,
            body,
            ha="left",
            va="center",
            fontsize=10.5,
            linespacing=1.3,
        )
        if index:
            axis.add_patch(
                FancyArrowPatch(
                    (width / 2, bottom + box_height + gap - 0.02),
                    (width / 2, bottom + box_height + 0.02),
                    arrowstyle="-|>",
                    mutation_scale=14,
                    color="#4a4a4a",
                    linewidth=1.2,
                )
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def draw_all(output_dir) -> list[Path]:
    """Draw ``stages_<key>.png`` for every entry of :data:`STAGES`."""
    output_dir = Path(output_dir)
    paths = []
    for key, stages in STAGES.items():
        path = output_dir / f"stages_{key}.png"
        draw_stages(stages, path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in draw_all(sys.argv[1] if len(sys.argv) > 1 else "figures"):
        print(written)
