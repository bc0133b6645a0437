"""The truth as data: one folder per example, holding its spec and the goldens the reference derived from it.

A package only so that the examples are installed with the suite and found
from any folder (``reference.examples`` locates them); it holds no code.
"""
