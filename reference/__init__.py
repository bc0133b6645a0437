"""The truth: the worked example derived again with SymPy and evaluated exactly.

It holds the spec, the names, the layer-local derivatives (``sympy.diff``),
the training graph and the arithmetics it is evaluated in, the notes'
formulas, finite differences, the noise envelope and the golden writer. It
imports no other package of the suite.
"""
