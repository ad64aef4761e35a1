/* Used as mathjax_path when the build found no local MathJax (tools/build_site.py): formulas
   stay as their TeX source, and nothing is fetched from the network. */
