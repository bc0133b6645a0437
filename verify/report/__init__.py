"""The report: every program on every example, written as a page a teacher would rather look at than read.

``backprop-verify report`` (verify/cli/report.py) turns its options into jobs
(jobs), runs them on worker processes with the published-figures check
(execute, assemble; ledger, published) and keeps a small digest of each
verdict (result). The page shows each example's network at step 1 (network,
examples), the errors as charts and heat maps (charts) and where it all came
from (provenance); page renders the Jinja2 templates in templates/ into
report.html, report.md, summary.json and summary.csv.
"""
