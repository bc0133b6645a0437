"""Grade a class: run every submission, verify it stage by stage, score it by a rubric, write what autograders read.

    submissions.py   the class folder, each submission's hash and fresh copy
    sandbox.py       bubblewrap: no network, the system read-only, only the copy writable, limits
    run.py           grade one, or all of them several at a time, keeping unchanged results
    rubric.py        points per stage, what a stage not shown earns, what must be printed
    score.py         a verdict scored by the rubric: the points of each stage (plain data, kept as JSON)
    formats/         Gradescope, PrairieLearn, JUnit, GitHub Actions, the gradebook
    page.py          the class at a glance (templates/)
    outputs.py       the files of a grading, written all at once
"""
