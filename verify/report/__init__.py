"""The comparison report: every implementation side by side with the truth, in tables and plots.

``python -m reference.report`` gathers the verdicts (collect), checks the
published figures (published), builds the tables (tables) and plots (plots)
and writes them into reports/ (render).
"""
