"""Sphinx configuration of the mixedmig course site.

Do not run sphinx-build on this folder directly: ``tools/build_site.py`` (``make site``) copies
it into a staging tree under ``build/site/``, adds the notebooks, the guides, the dataset
catalogue (generated from the manifests) and the API reference (generated from the numpydoc
docstrings), then builds the HTML; every warning fails the build (except the allow-listed
docstring problems of ``tools/build_site.py``).

Nothing is downloaded when a page is viewed: the notebooks are rendered from their stored
outputs (``nb_execution_mode = "off"``), MathJax is served from the site itself (the build copies
a local MathJax 2 into ``_static/mathjax`` and sets ``mathjax_path``; see ``tools/build_site.py``),
no widget JavaScript is loaded from a CDN, and the theme has no launch buttons, analytics or web
fonts from the network. ``tests/test_site.py`` checks this in a browser with the network blocked.
"""

from __future__ import annotations

import os

import mixedmig

project = "mixedmig"
author = "the mixedmig contributors"
copyright = "the mixedmig contributors; code MIT, data under their publishers' licences"
version = release = mixedmig.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
]

# Pages: Markdown (MyST), notebooks (myst-nb) and the generated reStructuredText API pages.
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
language = "en"

# --- notebooks: stored outputs only, never re-executed -----------------------------------
nb_execution_mode = "off"
# myst-nb loads require.js and the ipywidgets manager from a CDN by default: none here.
nb_ipywidgets_js = {}
# the notebooks' text outputs are shown as stored; images are embedded PNGs
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
# anchors for headings (the README and the guides link within themselves)
myst_heading_anchors = 3

# --- math: a local MathJax, set by the build script --------------------------------------
# MIXEDMIG_SITE_MATHJAX is the path of MathJax.js relative to _static (with its ?config=),
# or empty when no local MathJax was found (then formulas show as their TeX source).
_mathjax = os.environ.get("MIXEDMIG_SITE_MATHJAX", "")
if _mathjax:
    mathjax_path = _mathjax
    # MathJax 2: Sphinx marks inline math as \( \) and display math as \[ \]; SVG output
    # needs no web fonts.
    # myst-nb marks notebook sections "tex2jax_ignore mathjax_ignore" (no dollar signs of
    # prose or outputs become math) and the math it parsed with class "math": process those.
    mathjax2_config = {
        "tex2jax": {
            "inlineMath": [["\\(", "\\)"]],
            "displayMath": [["\\[", "\\]"]],
            "processClass": "tex2jax_process|mathjax_process|math|output_area",
        },
        "showMathMenu": False,
        "messageStyle": "none",
    }
else:
    mathjax_path = "no-mathjax.js"

# --- API reference: autodoc + numpydoc ---------------------------------------------------
autodoc_default_options = {"members": True, "member-order": "bysource"}
# the docstrings state the types (numpydoc); signatures stay short
autodoc_typehints = "none"
autodoc_preserve_defaults = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False
numpydoc_xref_param_type = False

# --- HTML --------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "mixedmig"
html_static_path = ["_static"]
html_css_files = ["mixedmig.css"]
# a local icon, so browsers do not ask the server for /favicon.ico
html_favicon = "_static/favicon.svg"
html_last_updated_fmt = None
html_show_sphinx = True
html_copy_source = True
# an explicit colour mode: without one the theme logs "invalid theme mode" as a console error
html_context = {"default_mode": "light"}
html_theme_options = {
    # no launch buttons (Binder, Colab, JupyterHub), no repository buttons, no analytics
    "launch_buttons": {},
    "use_repository_button": False,
    "use_issues_button": False,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "home_page_in_toc": True,
}
