"""What a grading writes: the class's files into OUT, all at once, and the platforms' files where they read them.

OUT holds ``class.html`` (the page), ``grades.csv`` (the gradebook),
``junit.xml``, ``grades.json`` (every graded submission) and ``summary.md``
(the Markdown summary); with ``--format gradescope`` or ``prairielearn``, also
one ``results.json`` per submission under ``OUT/gradescope/NAME/`` or
``OUT/prairielearn/NAME/``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ...reference.writer import write_all, write_file
from .formats import github, gradebook, gradescope, junit, prairielearn
from .page import PAGE, ClassPage, render
from .run import CACHE
from .score import Graded

FILES = (PAGE, "grades.csv", "junit.xml", "grades.json", "summary.md")
PLATFORMS = {"gradescope": lambda g, visibility: gradescope.results(g, visibility),
             "prairielearn": lambda g, visibility: prairielearn.results(g)}


def platform_json(form: str, graded: Graded, visibility: str = "visible") -> str:
    return json.dumps(PLATFORMS[form](graded, visibility), indent=1, ensure_ascii=False) + "\n"


def written(out: Path) -> tuple[Path, ...]:
    """Every place a grading writes: OUT itself, the class's files, the kept results, the platforms' folders."""
    return (out, *(out / name for name in (*FILES, CACHE, *PLATFORMS)))


def class_files(page: ClassPage) -> dict[str, str]:
    graded = page.graded
    contents = (render(page), gradebook.table(graded), junit.document(graded),
                json.dumps([g.record() for g in graded], indent=1, ensure_ascii=False) + "\n",
                github.summary(graded, page.title))
    return dict(zip(FILES, contents, strict=True))


def write(out: Path, page: ClassPage, form: str, visibility: str = "visible") -> list[Path]:
    """Every file of the class into ``out`` (all or none), and the platform's per submission; the paths written."""
    files = class_files(page)
    write_all(files, out)
    written = [out / name for name in files]
    if form in PLATFORMS:
        for g in page.graded:
            path = out / form / g.name / "results.json"
            write_file(path, platform_json(form, g, visibility))
            written.append(path)
    return written
