"""Benchmarks: how fast each implementation and the suite itself are, and how the cost grows.

``python -m benchmarks [--torch] [--quick]`` writes reports/bench.csv and
reports/bench.md. Nothing here is a test: a slow machine makes a target
"missed" in the report, never a failure.
"""
