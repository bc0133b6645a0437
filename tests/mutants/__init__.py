"""Deliberately wrong implementations (mutants): test data proving the checks can fail.

Each mutant is one classic mistake away from a correct implementation and
declares the mistake in one sentence, the category the diagnosis
(reference/diagnose.py) should recognise from its numbers alone, and its kind:
"logic" for a wrong formula, "precision" for correct formulas in too short a
float. ``MUTANTS`` are the Python ones, ``RUBY_MUTANTS`` text edits of the
project's Ruby program.
"""

from .python import MUTANTS, Mutant
from .ruby import RUBY_MUTANTS, RubyMutant

__all__ = ["MUTANTS", "RUBY_MUTANTS", "Mutant", "RubyMutant"]
