"""Benchmarks: how fast the programs, the reference and the suite itself are, and how the cost grows.

``backprop-verify bench [--torch] [--quick] [--threads N] [--out DIR]`` (or
``nox -s bench``) writes bench.csv and bench.md. One module per part:
example (1), exact (2), noise (3), verifying (4), scaling (5), suite (6);
timing, rows, specs, steps, machine and report serve them. Nothing here is a
test: a slow machine makes a target "missed" in the report, never a failure.
"""
