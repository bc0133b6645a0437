"""The harness: verify any program against the truth, and say how it went.

distances in ULPs (ulps), the truth of a spec (truth), one comparison under
the noise envelope (compare), verdicts with one status model (status,
verdict), the trace protocol (trace/), the catalogue of mistakes and the
diagnosis (mistakes/), the runner of registered programs (programs), the
report (report/), the benchmarks (bench/), and on top of them the command
line (cli/). It imports ``reference`` and ``implementations``; neither
imports it.
"""
