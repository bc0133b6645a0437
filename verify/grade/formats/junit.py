"""JUnit XML for CI systems: a testsuite per submission, a testcase per stage (checked against the JUnit XSD).

A failed stage holds a ``failure`` whose message is the stage's line and whose
text is the verdict line; a stage not run (the submission crashed, hung before
printing anything checkable, printed nothing usable) or cut short (stopped at
the time limit or by a crash before it was verified to its end) holds an
``error``; a stage not shown or too coarse to check is ``skipped``, never
passed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..score import Graded, points
from .text import stage_message, test_name

ERRORS = ("not run", "errored")  # stages that could not be verified: the run, not the values, went wrong
# Characters XML 1.0 does not allow, even escaped (a program's stderr may hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return _NOT_XML.sub("\ufffd", str(value))


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def suite(graded: Graded) -> ET.Element:
    stages = graded.stages
    failures = sum(s.status == "failed" for s in stages)
    errors = sum(s.status in ERRORS for s in stages)
    skipped = sum(s.status in ("not shown", "too coarse") for s in stages)
    element = ET.Element("testsuite", name=_text(graded.name), tests=str(len(stages)), failures=str(failures),
                         errors=str(errors), skipped=str(skipped), time=_seconds(graded.seconds))
    properties = ET.SubElement(element, "properties")
    for name, value in (("score", points(graded.score)), ("max_score", points(graded.max_score)),
                        ("status", graded.status.value), ("cause", graded.cause or "")):
        ET.SubElement(properties, "property", name=name, value=_text(value))
    share = graded.seconds / len(stages) if stages else 0.0
    for stage in stages:
        case = ET.SubElement(element, "testcase", name=_text(test_name(stage)), classname=_text(graded.name),
                             time=_seconds(share))
        message = _text(stage_message(stage))
        if stage.status == "failed":
            ET.SubElement(case, "failure", message=message, type="failed").text = _text(graded.line)
        elif stage.status in ERRORS:
            ET.SubElement(case, "error", message=message, type=str(graded.verdict.get("kind") or "errored")).text = \
                _text(graded.line)
        elif stage.status != "passed":
            ET.SubElement(case, "skipped", message=message)
    ET.SubElement(element, "system-out").text = _text(graded.line)
    return element


def document(class_: list[Graded], name: str = "backprop-verify grade") -> str:
    root = ET.Element("testsuites", name=name, tests=str(sum(len(g.stages) for g in class_)),
                      failures=str(sum(s.status == "failed" for g in class_ for s in g.stages)),
                      errors=str(sum(s.status in ERRORS for g in class_ for s in g.stages)),
                      time=_seconds(sum(g.seconds for g in class_)))
    root.extend(suite(g) for g in class_)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
