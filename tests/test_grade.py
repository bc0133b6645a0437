"""grade: the rubric, the points of each stage, the formats autograders read (checked against their schemas), the
command line (reruns kept, bad input refused in one line before anything runs).

The submissions here replay what corpus programs printed (``cat stdout.txt``): fast, and the same on any machine.
The class of real programs, the sandbox and the page in a browser are in test_grade_class.py (marked slow).
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import re
import shutil
import stat
import tomllib
from pathlib import Path

import jsonschema
import pytest
from backprop_verify.reference import examples
from backprop_verify.reference.spec import load as load_spec
from backprop_verify.verify import programs
from backprop_verify.verify.cli import grade as grade_cli
from backprop_verify.verify.cli.main import main
from backprop_verify.verify.grade import outputs, score
from backprop_verify.verify.grade.formats import github, gradescope, junit, prairielearn
from backprop_verify.verify.grade.rubric import Rubric, RubricError, load, parse
from backprop_verify.verify.grade.sandbox import Sandbox, SandboxError, check
from backprop_verify.verify.mistakes import variants
from backprop_verify.verify.stages import STAGES
from lxml import etree
from referencing import Registry, Resource

from .conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"
SCHEMAS = ROOT / "verify" / "schema"
PLATFORMS = ROOT / "verify" / "grade" / "schemas"
XSD = ROOT / "tests" / "grade" / "junit-10.xsd"
DOCUMENTED = examples.folder("documented")
CAT = "cat stdout.txt"
DEFAULT_RUBRIC = Rubric()


# --- helpers -------------------------------------------------------------------------------------------------

def schema_validator(name: str) -> jsonschema.protocols.Validator:
    """A validator of verify/schema/NAME.json, the other schemas of that folder resolvable by their $id."""
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, registry=Registry().with_resources(resources))


def platform_validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((PLATFORMS / f"{name}.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def junit_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def replay(tmp_path: Path, case: str, name: str | None = None) -> Path:
    """A submission that prints what corpus case ``case`` printed."""
    folder = tmp_path / (name or case)
    folder.mkdir(parents=True)
    shutil.copyfile(CORPUS / case / "stdout.txt", folder / "stdout.txt")
    return folder


def verdict_of(folder: Path, command: str = CAT, timeout: float = 60.0, diagnose: bool = True):
    spec = load_spec(examples.spec_path(examples.DOCUMENTED))
    options = programs.Options(timeout=timeout, cwd=str(folder), diagnose=diagnose)
    return programs.verify_command(["sh", "-c", command], spec, options, program=folder.name)


def graded(folder: Path, rubric: Rubric = DEFAULT_RUBRIC, command: str = CAT, timeout: float = 60.0,
           diagnose: bool = True) -> score.Graded:
    return score.grade(verdict_of(folder, command, timeout, diagnose), rubric, name=folder.name, hash="0" * 64,
                       timeout=timeout)


def by_stage(result: score.Graded) -> dict[str, score.StageScore]:
    return {s.name: s for s in result.stages}


def golden_trace(tmp_path: Path, name: str, change=None) -> Path:
    """A submission printing the golden trajectory (every quantity, every iteration), ``change``d if given."""
    folder = tmp_path / name
    folder.mkdir()
    lines = (DOCUMENTED / "trajectory.csv").read_text(encoding="utf-8").splitlines()
    if change is not None:
        lines = change(lines)
    (folder / "stdout.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# --- the rubric --------------------------------------------------------------------------------------------------

def test_the_default_rubric_is_the_documented_one():
    rubric = Rubric()
    assert rubric.points == {"forward": 2, "loss": 1, "output-gradients": 2, "hidden-gradients": 2, "updates": 2,
                             "trajectory": 1}
    assert rubric.total == 10
    assert rubric.if_not_shown == dict.fromkeys(STAGES, 1.0)
    assert load(None) == rubric


def test_a_rubric_file_overrides_what_it_names(tmp_path):
    path = tmp_path / "rubric.toml"
    path.write_text('title = "HW 3"\nrequired = ["E_total"]\n[points]\nforward = 5\ntrajectory = 0.5\n'
                    '[if-not-shown]\nall = 0.5\nloss = 0\n', encoding="utf-8")
    rubric = load(path, ["E_total", "w5"])
    assert rubric.title == "HW 3"
    assert rubric.points["forward"] == 5 and rubric.points["trajectory"] == 0.5 and rubric.points["loss"] == 1
    assert rubric.total == 5 + 1 + 2 + 2 + 2 + 0.5
    assert rubric.if_not_shown["loss"] == 0 and rubric.if_not_shown["updates"] == 0.5
    assert rubric.required == ("E_total",)


@pytest.mark.parametrize(("data", "words"), [
    ({"point": {}}, "unknown key 'point'"),
    ({"points": {"backward": 1}}, "'backward', which is not a stage"),
    ({"points": {"loss": -1}}, "must be a number 0 or more"),
    ({"points": {"loss": True}}, "must be a number"),
    ({"if-not-shown": {"loss": 1.5}}, "from 0 to 1"),
    ({"required": "E_total"}, "must be a list"),
    ({"required": ["E_tot"]}, "'E_tot', which is not a quantity"),
    ({"points": dict.fromkeys(STAGES, 0)}, "add up to 0"),
    ({"title": ""}, "title"),
])
def test_a_bad_rubric_is_one_line(data, words):
    with pytest.raises(RubricError) as caught:
        parse(data, "rubric.toml", ["E_total", "w5"])
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_a_rubric_that_is_not_toml_is_one_line(tmp_path):
    path = tmp_path / "rubric.toml"
    path.write_text("[points\n", encoding="utf-8")
    with pytest.raises(RubricError, match="not valid TOML"):
        load(path)
    with pytest.raises(RubricError, match="no such file"):
        load(tmp_path / "missing.toml")


# --- points per stage ----------------------------------------------------------------------------------------

def test_every_catalogued_kind_of_mistake_has_its_stages():
    categories = {v for k, v in vars(variants).items() if k.isupper() and isinstance(v, str)}
    assert categories <= set(score.CAUSE_STAGES)
    assert all(set(found) <= set(STAGES) for found in score.CAUSE_STAGES.values())


def test_a_correct_program_printing_every_stage_passes_every_stage(tmp_path):
    result = graded(golden_trace(tmp_path, "all"))
    assert result.status.value == "passed"
    assert [s.status for s in result.stages] == ["passed"] * 6
    assert result.score == result.max_score == 10


def test_a_wrong_hidden_gradient_costs_that_stage_only(tmp_path):
    def nudge(lines):
        header = lines[0].split(",")
        column = header.index("dE_dw1")
        row = lines[1].split(",")
        row[column] = repr(float(row[column]) * (1 + 1e-6))
        return [lines[0], ",".join(row), *lines[2:]]

    result = graded(golden_trace(tmp_path, "nudged", nudge), diagnose=False)
    stages = by_stage(result)
    assert result.status.value == "failed"
    assert stages["hidden-gradients"].status == "failed" and stages["hidden-gradients"].points == 0
    assert all(stages[n].status == "passed" for n in STAGES if n != "hidden-gradients")
    assert result.score == 10 - 2  # the default rubric: hidden-gradients is worth 2


def test_a_correct_program_printing_only_the_loss_earns_what_the_rubric_gives_unshown_stages(tmp_path):
    folder = replay(tmp_path, "01-python-epoch-loss")
    result = graded(folder)
    stages = by_stage(result)
    assert stages["trajectory"].status == "passed"
    assert all(stages[n].status == "not shown" for n in STAGES[:5])
    assert result.score == 10
    strict = parse({"if-not-shown": {"all": 0}})
    assert graded(folder, strict).score == 1  # the trajectory alone
    half = parse({"if-not-shown": {"all": 0.5, "forward": 0}})
    assert graded(folder, half).score == 1 + 0.5 * (1 + 2 + 2 + 2)


@pytest.mark.slow
def test_a_diagnosed_cause_clears_the_stages_before_it_and_none_after(tmp_path):
    """06: the hidden gradients through the updated weights; only the loss is printed. The updates after the
    cause earn nothing: shown, they would carry the mistake on, so printing less earns no more."""
    result = graded(replay(tmp_path, "06-c-training-g-bug"))
    stages = by_stage(result)
    assert result.cause_category == variants.UPDATED_WEIGHTS
    assert stages["trajectory"].status == "failed" and stages["trajectory"].points == 0
    assert stages["hidden-gradients"].status == "not shown" and stages["hidden-gradients"].points == 0
    assert "the diagnosed cause lies in it or before it" in stages["hidden-gradients"].note
    assert [stages[n].points for n in ("forward", "loss", "output-gradients", "updates")] == [2, 1, 2, 0]
    assert result.score == 5


@pytest.mark.slow
def test_a_cause_with_an_equal_alternative_clears_nothing(tmp_path):
    """01: the 1/2 forgotten, or equally the learning rate doubled: every unshown stage before the failure is blamed."""
    result = graded(replay(tmp_path, "01-python-epoch-loss-bug"))
    assert result.cause and "equally" in result.cause
    assert all(s.points == 0 for s in result.stages)
    assert all("no single cause was diagnosed" in s.note for s in result.stages[:5])


def test_a_quantity_the_rubric_requires_and_the_program_does_not_print_scores_zero(tmp_path):
    folder = replay(tmp_path, "01-python-epoch-loss")
    result = graded(folder, parse({"required": ["E_total", "dE_dw5"]}))
    assert result.status.value == "failed"  # what it printed is right, but the exercise is not done
    assert result.missing == ("dE_dw5",)
    assert result.score == 0
    assert result.line.startswith("FAILED:") and result.line.endswith("does not print dE_dw5, which the rubric "
                                                                       "requires")


def test_a_program_that_crashes_is_graded_with_nothing_run(tmp_path):
    folder = replay(tmp_path, "01-python-epoch-loss")
    result = graded(folder, command="echo 'Traceback: boom' >&2; exit 1")
    assert result.status.value == "errored"
    assert [s.status for s in result.stages] == ["not run"] * 6
    assert result.score == 0 and "boom" in result.line


@pytest.mark.slow
def test_what_a_program_printed_before_its_timeout_is_still_graded(tmp_path):
    folder = replay(tmp_path, "01-python-epoch-loss")
    result = graded(folder, command="head -n 5 stdout.txt; exec sleep 600", timeout=3)
    stages = by_stage(result)
    assert result.status.value == "errored" and result.verdict["kind"] == "hang"
    assert result.reached.startswith("verified to iteration ") and result.reached.endswith(
        " of 10,000, then timed out after 3 s")
    assert stages["trajectory"].status == "errored" and stages["trajectory"].note.startswith("cut short")
    assert result.score == 9  # the unshown stages are not blamed for a run cut short


def test_what_a_program_printed_before_it_crashed_is_still_graded(tmp_path):
    folder = replay(tmp_path, "01-python-epoch-loss")
    result = graded(folder, command="head -n 5 stdout.txt; echo 'Traceback: boom' >&2; exit 1")
    assert result.status.value == "errored" and result.verdict["kind"] == "exit-status"
    assert result.reached.startswith("verified to iteration ") and result.reached.endswith(
        " of 10,000, then failed with exit status 1")
    trajectory = by_stage(result)["trajectory"]
    assert trajectory.note.startswith("cut short") and (trajectory.status, trajectory.points) == ("errored", 0)
    assert result.score == 9 and "boom" in result.line
    # the run, not its values, went wrong: an error everywhere, never a failure
    schema_validator("graded").validate(json.loads(json.dumps(result.record())))
    case = etree.fromstring(junit.document([result]).encode()).find(".//testcase[@name='6. trajectory: "
                                                                    f"{trajectory.title}']")
    assert case is not None and case.find("failure") is None and case.find("error").get("type") == "exit-status"
    assert "errored: the run was cut short" in case.find("error").get("message")
    assert prairielearn.results(result)["tests"][-1]["points"] == 0


def test_printing_less_never_earns_more_than_printing_everything(tmp_path):
    """The hidden gradients through the updated weights: a program printing only the loss, and the same program
    printing every value, by the learner's loop of tests/students.py."""
    from .students import SPEC, train

    frame = train("updated-backward", iterations=SPEC.iterations)
    everything = tmp_path / "everything"
    everything.mkdir()
    (everything / "stdout.txt").write_text(frame.to_csv(index=False), encoding="utf-8")
    loss = tmp_path / "loss"
    loss.mkdir()
    (loss / "stdout.txt").write_text("".join(f"epoch {k} loss {e!r}\n" for k, e in enumerate(frame["E_total"])
                                             if k % 1000 == 0), encoding="utf-8")
    full, less = graded(everything), graded(loss)
    assert full.cause_category == less.cause_category == variants.UPDATED_WEIGHTS, (full.line, less.line)
    assert less.score <= full.score, ([s.points for s in less.stages], [s.points for s in full.stages])


# --- the formats ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> list[score.Graded]:
    """A passed, a failed (with a cause), an errored and a cut-short submission."""
    base = tmp_path_factory.mktemp("samples")
    return [graded(replay(base, "01-python-epoch-loss", "alice")),
            graded(replay(base, "06-c-training-g-bug", "bob")),
            graded(replay(base, "01-python-epoch-loss", "carol <&>"), command="exit 2"),
            graded(replay(base, "01-python-epoch-loss", "dan"), command="head -n 5 stdout.txt; exec sleep 600",
                   timeout=1)]


@pytest.mark.slow
def test_the_graded_record_and_its_verdict_validate_against_the_schema(samples):
    validator = schema_validator("graded")
    for result in samples:
        record = json.loads(json.dumps(result.record()))
        validator.validate(record)
        assert score.Graded.from_record(record) == result


def test_the_schema_refuses_a_record_that_strays(samples):
    validator = schema_validator("verdict")
    record = json.loads(json.dumps(samples[1].verdict))
    validator.validate(record)
    for broken in ({**record, "status": "ok"}, {**record, "surprise": 1}, {**record, "schema": 2},
                   {k: v for k, v in record.items() if k != "stages"}):
        assert not validator.is_valid(broken)


def test_trace_prints_json_that_validates(tmp_path, capsys):
    folder = replay(tmp_path, "25-python-carriage-bug")
    code = main(["trace", "--format", "json", "--stages", "--", "cat", str(folder / "stdout.txt")])
    record = json.loads(capsys.readouterr().out)
    schema_validator("verdict").validate(record)
    assert code == 1 and record["status"] == "failed" and len(record["stages"]) == 6


def test_gradescope_results_validate_and_pass_only_what_was_verified(samples):
    validator = platform_validator("gradescope")
    for result in samples:
        data = gradescope.results(result)
        validator.validate(data)
        assert data["score"] == sum(t["score"] for t in data["tests"]) == result.score
        for test, stage in zip(data["tests"], result.stages):
            assert (test["status"] == "passed") == (stage.status == "passed")
            assert test["max_score"] == stage.max_points
    shown = gradescope.results(samples[0])
    assert [t["status"] for t in shown["tests"]] == ["failed"] * 5 + ["passed"]  # not shown is never passed
    assert "not shown" in shown["tests"][0]["output"]


def test_gradescope_schema_refuses_what_gradescope_does_not_document():
    validator = platform_validator("gradescope")
    assert validator.is_valid({"score": 1, "tests": [{"name": "a", "status": "passed"}]})
    assert not validator.is_valid({"tests": [{"name": "a"}]})  # no score anywhere
    assert not validator.is_valid({"score": 1, "tests": [{"status": "ok", "score": 1}]})
    assert not validator.is_valid({"score": 1, "visibility": "students"})
    assert not validator.is_valid({"score": 1, "tests": [{"score": 1, "maxscore": 2}]})


def test_prairielearn_results_validate(samples):
    validator = platform_validator("prairielearn")
    for result in samples:
        data = prairielearn.results(result)
        validator.validate(data)
        assert 0 <= data["score"] <= 1
        assert data["score"] == pytest.approx(result.score / result.max_score)
        assert sum(t["points"] for t in data["tests"]) == result.score
    assert not validator.is_valid({"gradable": True, "score": 1.5})
    assert not validator.is_valid({"message": "no score"})
    assert validator.is_valid({"gradable": False, "format_errors": ["bad"]})


def test_junit_validates_against_the_xsd_and_keeps_the_states_apart(samples):
    text = junit.document(samples)
    document = etree.fromstring(text.encode("utf-8"))
    schema = junit_schema()
    assert schema.validate(document), schema.error_log
    suites = document.findall("testsuite")
    assert [s.get("name") for s in suites] == ["alice", "bob", "carol <&>", "dan"]
    assert all(len(s.findall("testcase")) == 6 for s in suites)
    alice, bob, carol, _ = suites
    assert len(alice.findall("testcase/skipped")) == 5 and not alice.findall("testcase/failure")
    failures = bob.findall("testcase/failure")
    assert failures and all(f.text == samples[1].line for f in failures)
    assert len(carol.findall("testcase/error")) == 6


def test_junit_drops_characters_xml_cannot_hold(samples):
    import dataclasses
    odd = dataclasses.replace(samples[2], verdict={**samples[2].verdict, "line": "stderr: \x1b[31mred\x00"})
    document = etree.fromstring(junit.document([odd]).encode("utf-8"))
    assert junit_schema().validate(document)


def test_the_gradebook_has_a_row_per_submission_and_a_column_per_stage(samples):
    rows = list(csv.DictReader(io.StringIO(outputs.class_files(_page(samples))["grades.csv"])))
    assert [r["submission"] for r in rows] == [g.name for g in samples]
    for row, result in zip(rows, samples):
        assert float(row["score"]) == result.score
        assert sum(float(row[n]) for n in STAGES) == result.score


def test_the_gradebook_keeps_a_name_that_looks_like_a_formula_as_text(samples):
    import dataclasses
    odd = dataclasses.replace(samples[0], name="=HYPERLINK(1)")
    rows = list(csv.DictReader(io.StringIO(outputs.class_files(_page([odd]))["grades.csv"])))
    assert rows[0]["submission"] == "'=HYPERLINK(1)"


def test_github_annotations_and_summary(samples):
    assert github.annotate(samples[0])[0].startswith("::notice title=backprop-verify%3A alice 10/10::")
    error = github.annotate(samples[1])[0]
    assert error.startswith("::error title=backprop-verify%3A bob 5/10::FAILED") and "\n" not in error
    text = github.summary(samples, "HW")
    assert text.startswith("## HW") and "| bob | 5/10 |" in text


def _page(samples):
    from backprop_verify.verify.grade.page import ClassPage
    return ClassPage("HW", list(samples), {"date": "today"})


def test_the_page_holds_the_matrix_the_distribution_and_the_mistakes(samples):
    html = outputs.class_files(_page(samples))["class.html"]
    links = set(re.findall(r'href="#(s-[^"]+)"', html))
    assert len(links) == len(samples) and all(f'id="{link}"' in html for link in links)
    assert "carol &lt;&amp;&gt;" in html and "carol <&>" not in html
    assert "1 of 4</strong> the gradients of the layers below used the already-updated weights" in html
    assert html.count('<td class="pts ') == 6 * len(samples)
    assert "<script" not in html and "http" not in html.split("<style>")[0]


# --- the command line ----------------------------------------------------------------------------------------

CLASS = {"alice": "01-python-epoch-loss", "bob": "25-python-carriage-bug", "chen": "09-c-columns",
         "dara": "23-python-decimal-bug"}


def make_class(tmp_path: Path) -> Path:
    folder = tmp_path / "class"
    for name, case in CLASS.items():
        replay(folder, case, name)
    return folder


def grade(*argv: str) -> int:
    return main(["grade", *argv])


def test_grade_writes_the_class_and_keeps_unchanged_submissions(tmp_path, capsys):
    folder, out = make_class(tmp_path), tmp_path / "out"
    assert grade(str(folder), "--run", CAT, "--out", str(out), "--jobs", "2") == 1  # some failed
    printed = capsys.readouterr().out
    assert printed.count("[") >= 4 and "alice: 10 of 10 points, PASSED" in printed
    assert sorted(p.name for p in out.iterdir()) == ["class.html", "grades.csv", "grades.json", "junit.xml",
                                                      "submissions", "summary.md"]
    first = json.loads((out / "grades.json").read_text(encoding="utf-8"))
    assert [g["name"] for g in first] == sorted(CLASS)
    assert grade(str(folder), "--run", CAT, "--out", str(out)) == 1
    printed = capsys.readouterr().out
    assert "4 of 4 unchanged since they were graded" in printed and "[1/4]" not in printed
    (folder / "chen" / "notes.txt").write_text("changed\n", encoding="utf-8")
    assert grade(str(folder), "--run", CAT, "--out", str(out)) == 1
    printed = capsys.readouterr().out
    assert "3 of 4 unchanged" in printed and "chen:" in printed and "alice:" not in printed
    assert grade(str(folder), "--run", CAT, "--out", str(out), "--force") == 1
    assert "unchanged" not in capsys.readouterr().out
    assert grade(str(folder), "--run", CAT + " ", "--out", str(out)) == 1  # other settings: graded again
    assert "unchanged" not in capsys.readouterr().out


def test_grade_prints_json_records_that_validate(tmp_path, capsys):
    folder = make_class(tmp_path)
    assert grade(str(folder), "--run", CAT, "--out", str(tmp_path / "out"), "--format", "json", "--jobs", "1") == 1
    lines = capsys.readouterr().out.splitlines()
    validator = schema_validator("graded")
    assert len(lines) == 4
    for line in lines:
        validator.validate(json.loads(line))


def test_grade_for_gradescope_and_prairielearn(tmp_path, monkeypatch, capsys):
    folder = make_class(tmp_path)
    out = tmp_path / "out"
    assert grade(str(folder), "--run", CAT, "--out", str(out), "--format", "gradescope") == 1
    for name in CLASS:
        platform_validator("gradescope").validate(json.loads((out / "gradescope" / name / "results.json").read_text()))
    # inside an autograder: no SUBMISSIONS, the platform's own folders
    results = tmp_path / "autograder" / "results" / "results.json"
    monkeypatch.setitem(grade_cli.AUTOGRADERS, "prairielearn", (str(folder / "bob"), str(results)))
    assert grade("--run", CAT, "--out", str(tmp_path / "pl"), "--format", "prairielearn") == 1
    data = json.loads(results.read_text(encoding="utf-8"))
    platform_validator("prairielearn").validate(data)
    assert data["score"] == pytest.approx(0.8)  # the loss (1) blamed, the trajectory (1) failed
    capsys.readouterr()


def test_grade_for_github_actions(tmp_path, monkeypatch, capsys):
    folder = make_class(tmp_path)
    summary = tmp_path / "summary.md"
    summary.write_text("before\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert grade(str(folder / "bob"), "--one", "--run", CAT, "--out", str(tmp_path / "out"), "--format",
                 "github") == 1
    printed = capsys.readouterr().out
    assert printed.startswith("::error title=backprop-verify%3A bob 8/10::FAILED: bob on documented")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("before\n## ") and "| bob | 8/10 |" in text


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(("argv", "words"), [
    (["{missing}", "--run", CAT], "no such folder"),
    (["{empty}", "--run", CAT], "holds no sub-folder"),
    (["{class}", "--run", CAT, "--rubric", "{rubric}"], "not a stage"),
    (["{class}", "--run", CAT, "--name", "loss"], "loss"),
    (["--run", CAT], "no SUBMISSIONS given"),
    (["{class}", "--run", CAT, "--sandbox-allow", "/opt"], "--sandbox-allow is for --sandbox"),
    (["{class}", "--run", ""], "--run is empty"),
    (["{class}", "--run", " \t"], "--run is empty"),
    (["{class}", "--run", "touch ran", "--sandbox", "--sandbox-allow", "{missing}"], "no such folder"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, argv, words):
    (tmp_path / "empty").mkdir()
    (tmp_path / "rubric.toml").write_text("[points]\nbackward = 1\n", encoding="utf-8")
    folder = make_class(tmp_path)
    out = tmp_path / "out"
    given = [a.format(missing=tmp_path / "missing", empty=tmp_path / "empty", **{"class": folder},
                      rubric=tmp_path / "rubric.toml") for a in argv]
    assert grade(*given, "--out", str(out)) == 2
    assert words in one_line_error(capsys)
    assert not out.exists() and not any(folder.glob("*/ran"))


def test_sandbox_without_bubblewrap_is_one_line_and_runs_nothing(tmp_path, capsys, monkeypatch):
    folder = make_class(tmp_path)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert grade(str(folder), "--run", "touch ran", "--sandbox", "--out", str(tmp_path / "out")) == 2
    assert "needs bubblewrap" in one_line_error(capsys)
    assert not any(folder.glob("*/ran")) and not (tmp_path / "out").exists()


def stand_in_bwrap(tmp_path: Path, monkeypatch, script: str) -> None:
    """PATH holds only a bwrap that runs ``script`` (sh) and the tools the sandbox needs besides."""
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "bwrap"
    fake.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    for tool in ("prlimit", "setpriv", "sh"):
        if shutil.which(tool):
            (tools / tool).symlink_to(shutil.which(tool))
    monkeypatch.setenv("PATH", str(tools))


def test_sandbox_where_namespaces_are_off_is_one_line_and_runs_nothing(tmp_path, capsys, monkeypatch):
    """A bubblewrap that cannot make its namespaces (as where user namespaces are off) stops everything."""
    folder = make_class(tmp_path)
    stand_in_bwrap(tmp_path, monkeypatch, "echo 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n")
    assert grade(str(folder), "--run", "touch ran", "--sandbox", "--out", str(tmp_path / "out")) == 2
    assert "cannot make its sandbox here (bwrap: setting up uid map: Permission denied)" in one_line_error(capsys)
    assert not any(folder.glob("*/ran")) and not (tmp_path / "out").exists()


def test_the_sandbox_command_hides_the_home_and_shows_the_tools(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / ".pyenv" / "shims").mkdir(parents=True)
    (home / "secret").mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", f"{home / '.pyenv' / 'shims'}:/usr/bin:/bin")
    monkeypatch.delenv("PYENV_ROOT", raising=False)
    argv = Sandbox(privileged=False).command(tmp_path / "staged", "python3 train.py")
    pairs = {(argv[k], argv[k + 1]) for k in range(len(argv) - 1)}
    assert ("--tmpfs", str(home)) in pairs and ("--unshare-net", "--unshare-uts") in pairs
    assert ("--ro-bind", str(home / ".pyenv")) in pairs  # pyenv's root, found from its default place
    assert not any(str(home / "secret") in a for a in argv)
    assert "--share-net" not in argv and "--unshare-user" in argv and "--disable-userns" in argv
    assert argv[-3:] == ["sh", "-c", "python3 train.py"]
    limits = next(a for a in argv if a == "prlimit")
    assert limits and any(a.startswith("--nproc=") for a in argv) and any(a.startswith("--fsize=") for a in argv)


def test_the_sandbox_never_shows_the_class_the_home_or_the_root(tmp_path, monkeypatch):
    home, work = tmp_path / "home", tmp_path / "work"
    for folder in (home / ".local" / "bin", work / "class", work / "tools" / "bin", work / "out"):
        folder.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", f"/:{home}:{work}:{work / 'class'}:{work / 'tools' / 'bin'}:{home / '.local' / 'bin'}")
    for name in ("PYENV_ROOT", "RUSTUP_HOME", "CARGO_HOME", "NVM_DIR", "VIRTUAL_ENV", "GOROOT", "JAVA_HOME"):
        monkeypatch.delenv(name, raising=False)
    sandbox = Sandbox(allow=(work,), hide=(work / "class", work / "out"), privileged=False)
    argv = sandbox.command(tmp_path / "staged", "true")
    shown = {argv[k + 1] for k in range(len(argv) - 1) if argv[k] == "--ro-bind"}
    assert str(work / "tools" / "bin") in shown and str(home / ".local" / "bin") in shown
    assert not shown & {"/", str(home), str(work), str(work / "class"), str(tmp_path)}


def package_folders() -> list[Path]:
    """Where each part of the installed package with a folder of its own (pyproject.toml's package-dir) is read from."""
    parts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-dir"]
    return [Path(importlib.import_module(name).__file__).parent for name in parts]


def test_the_sandbox_covers_this_package_and_its_goldens_wherever_they_are(tmp_path, monkeypatch):
    folders = package_folders()
    argv = Sandbox(allow=tuple({f.parent for f in folders}), privileged=False).command(tmp_path / "staged", "true")
    pairs = {(argv[k], argv[k + 1]) for k in range(len(argv) - 1)}
    assert all(("--tmpfs", str(f)) in pairs for f in folders), folders
    assert argv.index("--tmpfs", argv.index(str(folders[0].parent))) < argv.index("--clearenv")  # after the binds
    # installed in a virtual environment, which the sandbox shows: its folder covered
    venv = tmp_path / "venv"
    package = venv / "lib" / "python3.11" / "site-packages" / "backprop_verify"
    (package / "golden").mkdir(parents=True)
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    argv = Sandbox(secret=(package,), privileged=False).command(tmp_path / "staged", "true")
    assert ("--ro-bind", str(venv)) in zip(argv, argv[1:]) and ("--tmpfs", str(package)) in zip(argv, argv[1:])
    # the class inside a system folder the sandbox shows; a folder that is not there is not covered (bubblewrap
    # could not make one to cover in a read-only folder)
    system = next(p for p in (Path("/usr/share"), Path("/usr/lib"), Path("/etc")) if p.is_dir())
    argv = Sandbox(hide=(system,), secret=(Path("/usr/no-such-cache"),), privileged=False).command(tmp_path, "true")
    assert ("--tmpfs", str(system)) in zip(argv, argv[1:]) and "/usr/no-such-cache" not in argv


@pytest.mark.slow
@pytest.mark.needs("bwrap")
def test_a_sandboxed_submission_cannot_read_the_goldens(tmp_path, capsys):
    try:
        check(Sandbox())
    except SandboxError as error:
        pytest.skip(f"no sandbox can be made here, so this was not tried: {error}")
    golden = Path(importlib.import_module("backprop_verify.golden").__file__).parent
    folder = tmp_path / "class" / "thief"
    folder.mkdir(parents=True)
    (folder / "run.sh").write_text(f"test -d {golden} && echo its folder is there >&2\n"
                                   f"cat {golden}/documented/trajectory.csv\n", encoding="utf-8")
    allow = [a for f in {f.parent for f in package_folders()} for a in ("--sandbox-allow", str(f))]
    assert grade(str(folder.parent), "--run", "sh run.sh", "--sandbox", *allow, "--out", str(tmp_path / "out")) == 2
    printed = capsys.readouterr().out
    assert "thief: 0 of 10 points, ERRORED: thief on documented: sh failed with exit status 1" in printed, printed
    assert "iteration,out_o1" not in printed  # nothing of the answer key reached the output
    # where every folder above the goldens is open to others, the submission sees the folder, emptied; in a
    # checkout only its owner may enter (a clone in `mktemp -d`), the unprivileged submission cannot reach it
    reachable = all(p.stat().st_mode & 0o001 for p in golden.parents) or os.geteuid() != 0
    seen = "its folder is there | " if reachable else ""
    why = "No such file or directory" if reachable else "Permission denied"
    assert f"its stderr ends: {seen}cat: {golden}/documented/trajectory.csv: {why}" in printed, printed


def test_check_refuses_a_missing_bubblewrap():
    with pytest.raises(SandboxError, match="needs bubblewrap"):
        check(Sandbox(bwrap="no-such-bubblewrap-here"))


def test_submissions_are_hashed_by_content(tmp_path):
    from backprop_verify.verify.grade.submissions import content_hash
    folder = replay(tmp_path, "01-python-epoch-loss", "a")
    first = content_hash(folder)
    assert first == content_hash(folder)
    (folder / "x").write_text("1", encoding="utf-8")
    second = content_hash(folder)
    (folder / "x").write_text("2", encoding="utf-8")
    third = content_hash(folder)
    os.chmod(folder / "x", 0o755)
    assert len({first, second, third, content_hash(folder)}) == 4


def test_check_prints_json_that_validates(capsys):
    code = main(["check", "vectorized", "--spec", "documented", "--iterations", "50", "--format", "json", "--stages"])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    validator = schema_validator("verdict")
    assert code == 0 and len(records) == 1
    validator.validate(records[0])
    assert records[0]["status"] == "passed" and [s["status"] for s in records[0]["stages"]] == ["passed"] * 6


def test_a_submission_the_verifier_fails_on_is_graded_errored_and_stops_no_other(tmp_path, monkeypatch, capsys):
    from backprop_verify.verify.grade import run as grading
    folder = make_class(tmp_path)
    real = grading.programs.verify_command

    def flaky(argv, spec, options, **more):
        if more.get("program") == "chen":
            raise RuntimeError("a bug in the verifier")
        return real(argv, spec, options, **more)

    monkeypatch.setattr(grading.programs, "verify_command", flaky)
    records = {}
    assert grade(str(folder), "--run", CAT, "--out", str(tmp_path / "out"), "--format", "json", "--jobs", "2") == 1
    for line in capsys.readouterr().out.splitlines():
        record = json.loads(line)
        records[record["name"]] = record
    assert set(records) == set(CLASS)
    assert records["chen"]["verdict"]["kind"] == "internal" and "a bug in the verifier" in records["chen"]["verdict"][
        "reason"]
    assert records["alice"]["verdict"]["status"] == "passed"


def test_a_quantity_the_rubric_requires_fails_the_class(tmp_path, capsys):
    folder = make_class(tmp_path)
    rubric = tmp_path / "rubric.toml"
    rubric.write_text('required = ["dE_dw5"]\n', encoding="utf-8")
    assert grade(str(folder / "alice"), "--one", "--run", CAT, "--rubric", str(rubric), "--out",
                 str(tmp_path / "out")) == 1
    out = capsys.readouterr().out
    assert "alice: 0 of 10 points, FAILED" in out and "does not print dE_dw5, which the rubric requires" in out
    assert "0 passed, 1 failed" in out


def test_the_page_counts_a_kind_of_mistake_with_each_of_its_wordings(samples):
    import dataclasses
    bob = samples[1]
    other = dataclasses.replace(bob, name="eve", verdict={**bob.verdict, "cause": "the bias was left out of net_h1 only"
                                                          " (reproduces the printed values to 9 digits)"})
    same = dataclasses.replace(bob, name="fay")
    mistakes = _page([bob, other, same]).mistakes()
    assert len(mistakes) == 1 and mistakes[0].submissions == ("bob", "fay", "eve")
    (first, firsts), (second, seconds) = mistakes[0].wordings
    assert firsts == ("bob", "fay") and first.startswith("the gradients of the layers below")
    assert seconds == ("eve",) and second == "the bias was left out of net_h1 only"


FORGER = "evil\n[9|9] mallory: 10 of 10 points, PASSED: \x1b[32mforged"


def test_a_folder_name_cannot_forge_a_line_on_the_terminal_or_in_the_summary(tmp_path, capsys):
    folder = tmp_path / "class"
    replay(folder, "01-python-epoch-loss", "alice")
    replay(folder, "25-python-carriage-bug", FORGER)
    out = tmp_path / "out"
    assert grade(str(folder), "--run", CAT, "--out", str(out)) == 1
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and not re.search(r"^\[9", printed, re.MULTILINE)
    assert len(printed.splitlines()) == 3  # a line per submission, and the closing one
    assert "evil\\n[9|9] mallory: 10 of 10 points, PASSED: \\x1b[32mforged: 8 of 10 points, FAILED" in printed
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "\x1b" not in summary and not re.search(r"^\[9", summary, re.MULTILINE)
    # shown as it is named: the escape's backslash escaped too, so that Markdown shows it
    assert r"| evil\\n\[9\|9\] mallory: 10 of 10 points, PASSED: \\x1b\[32mforged | 8/10 |" in summary
    assert grade(str(folder), "--run", CAT, "--out", str(out), "--format", "github", "--force") == 1
    annotations = capsys.readouterr().out
    assert "\x1b" not in annotations and all(line.startswith("::") for line in annotations.splitlines()[:-1])
    assert "::error title=backprop-verify%3A evil\\n[9|9] mallory%3A" in annotations
    assert grade(str(folder), "--run", CAT, "--out", str(out), "--format", "json", "--force") == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and not any(c in "".join(lines) for c in "\x1b\x9b\u202e")
    assert {json.loads(line)["name"] for line in lines} == {"alice", FORGER}


def test_a_submission_with_a_name_too_long_for_a_file_has_its_result_kept(tmp_path, capsys):
    folder, out = tmp_path / "class", tmp_path / "out"
    long, longer = "x" * 253, "x" * 250 + "é" * 2  # 253 characters, 254 bytes
    for name in (long, longer, "alice"):
        replay(folder, "01-python-epoch-loss", name)
    assert grade(str(folder), "--run", CAT, "--out", str(out)) == 0
    assert "note:" not in capsys.readouterr().err
    kept = [json.loads(p.read_text(encoding="utf-8"))["name"] for p in (out / "submissions").iterdir()]
    assert sorted(kept) == sorted([long, longer, "alice"])
    assert all(len(os.fsencode(p.name)) <= 255 for p in (out / "submissions").iterdir())
    assert grade(str(folder), "--run", CAT, "--out", str(out)) == 0
    assert "3 of 3 unchanged since they were graded" in capsys.readouterr().out


def test_a_result_that_cannot_be_kept_is_said(tmp_path, capsys):
    folder, out = tmp_path / "class", tmp_path / "out"
    replay(folder, "01-python-epoch-loss", "alice")
    out.mkdir()
    (out / "submissions").write_text("a file where the kept results go\n", encoding="utf-8")
    assert grade(str(folder), "--run", CAT, "--out", str(out)) == 0
    captured = capsys.readouterr()
    assert "alice: 10 of 10 points, PASSED" in captured.out
    assert captured.err.startswith("note: the result of alice could not be kept for the next run (")
    assert captured.err.count("\n") == 1 and (out / "grades.json").is_file()


def graded_names(out: Path) -> list[str]:
    return [g["name"] for g in json.loads((out / "grades.json").read_text(encoding="utf-8"))]


def test_the_output_folder_is_never_graded(tmp_path, capsys):
    folder = tmp_path / "class"
    replay(folder, "01-python-epoch-loss", "alice")
    replay(folder, "25-python-carriage-bug", "bob")
    inside = folder / "grades"
    for _ in range(2):
        assert grade(str(folder), "--run", CAT, "--out", str(inside)) == 1
        assert graded_names(inside) == ["alice", "bob"]
    captured = capsys.readouterr()
    assert "2 of 2 unchanged" in captured.out and "grades:" not in captured.out
    assert captured.err == f"note: left out of the class, as grade's own output (--out {inside}): grades\n"
    shutil.rmtree(inside)
    for _ in range(2):  # the class folder itself: what grade writes there is no submission
        assert grade(str(folder), "--run", CAT, "--out", str(folder), "--format", "gradescope") == 1
        assert graded_names(folder) == ["alice", "bob"]
    assert (folder / "submissions").is_dir() and (folder / "gradescope" / "bob" / "results.json").is_file()
    assert "left out of the class, as grade's own output" in capsys.readouterr().err


def test_an_output_folder_inside_the_one_submission_is_not_part_of_it(tmp_path, capsys):
    folder = replay(tmp_path, "01-python-epoch-loss", "alice")
    (folder / "run.sh").write_text("echo $(ls -A) >&2; exit 1\n", encoding="utf-8")  # its stderr: what its copy holds
    assert grade(str(folder), "--one", "--run", "sh run.sh", "--out", str(folder / "grades")) == 2
    assert grade(str(folder), "--one", "--run", "sh run.sh", "--out", str(folder / "grades")) == 2
    assert "1 of 1 unchanged" in capsys.readouterr().out  # the results written in it changed nothing
    (folder / "other").mkdir()
    assert grade(str(folder), "--one", "--run", "sh run.sh", "--out", str(folder / "grades")) == 2
    assert "its stderr ends: other run.sh stdout.txt\n" in capsys.readouterr().out


def test_a_submission_folder_that_is_a_link_is_graded_from_its_folder_or_skipped_with_why(tmp_path, capsys):
    folder = tmp_path / "class"
    replay(folder, "01-python-epoch-loss", "alice")
    replay(tmp_path / "elsewhere", "01-python-epoch-loss", "dan")
    (folder / "dan").symlink_to(tmp_path / "elsewhere" / "dan")
    (folder / "gone").symlink_to(tmp_path / "nowhere")
    (folder / "up").symlink_to("..")
    (folder / "notes.txt").symlink_to(folder / "alice" / "stdout.txt")  # a file, as a file is: no submission
    assert grade(str(folder), "--run", CAT, "--out", str(tmp_path / "out"), "--format", "json") == 3
    records = {r["name"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert sorted(records) == ["alice", "dan", "gone", "up"]
    assert records["dan"]["verdict"]["status"] == "passed" and records["dan"]["score"] == 10
    for name, why in (("gone", "which does not exist"), ("up", "a folder that holds the class")):
        record = records[name]
        assert record["verdict"]["status"] == "skipped" and record["score"] == 0, record
        assert f"a symbolic link to {os.readlink(folder / name)}, {why}: not graded" in record["verdict"]["reason"]
        assert {s["status"] for s in record["stages"]} == {"not run"}
    schema_validator("graded").validate(records["gone"])


def test_what_goes_wrong_in_the_sandbox_is_named_as_without_it(tmp_path, capsys, monkeypatch):
    """The submission's command is named (sh), not bubblewrap, which runs it (here a stand-in that fails as the
    submission would: 'crash' exits 1 after a line on stderr, 'quiet' prints nothing)."""
    folder = tmp_path / "class"
    (folder / "alice").mkdir(parents=True)
    stand_in_bwrap(tmp_path, monkeypatch, 'for last; do :; done\ncase "$last" in\n  true|quiet) exit 0;;\n'
                   '  *) echo oops >&2; exit 1;;\nesac\n')
    for run, said in (("crash", "alice on documented: sh failed with exit status 1; its stderr ends: oops"),
                      ("quiet", "alice on documented: sh printed nothing")):
        assert grade(str(folder), "--run", run, "--sandbox", "--out", str(tmp_path / run)) == 2
        printed = capsys.readouterr().out
        assert f"alice: 0 of 10 points, ERRORED: {said}\n" in printed and "bwrap" not in printed


def test_a_result_whose_grading_process_died_is_not_kept(tmp_path, capsys):
    """A submission kills the worker grading it (run in this process, it would kill the tests: never run it so)."""
    import multiprocessing
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no forked workers here: the submissions would run in this process")
    folder, out = tmp_path / "class", tmp_path / "out"
    replay(folder, "01-python-epoch-loss", "alice")
    (folder / "alice" / "run.sh").write_text("cat stdout.txt\n", encoding="utf-8")
    (folder / "killer").mkdir()
    (folder / "killer" / "run.sh").write_text("kill -KILL $PPID\n", encoding="utf-8")  # its grading process
    argv = (str(folder), "--run", "exec sh run.sh", "--out", str(out), "--jobs", "2", "--format", "json")
    grade(*argv)
    records = {r["name"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert "the grading process of this submission died" in records["killer"]["verdict"]["reason"]
    for name, record in records.items():
        died = "the grading process of this submission died" in record["verdict"]["reason"]
        assert (out / "submissions" / f"{name}.json").exists() is not died, name  # kept, so reused, or not


def _ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat_file:
            return stat_file.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except FileNotFoundError:
        return True


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGTERM to grade", "SIGTERM to its process group", "Ctrl-C"])
def test_stopped_grade_ends_every_submission_and_says_interrupted(tmp_path, how):
    """Two submissions that would sleep for ten minutes are running in two workers when grade is told to stop: it
    says one word, exits 130, and leaves no process behind, long before any time limit."""
    import signal
    import subprocess
    import sys
    import time
    folder = tmp_path / "class"
    for name in ("a", "b", "c"):
        (folder / name).mkdir(parents=True)
        (folder / name / "run.sh").write_text(f"echo $$ > {tmp_path / name}.pid\nexec sleep 600\n", encoding="utf-8")
    command = [sys.executable, "-m", "backprop_verify", "grade", str(folder), "--run", "sh run.sh", "--jobs", "2",
               "--timeout", "600", "--out", str(tmp_path / "out")]
    grading = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120  # a bound for a slow machine, not a measurement
        while len(list(tmp_path.glob("*.pid"))) < 2 and time.monotonic() < deadline and grading.poll() is None:
            time.sleep(0.05)
        pids = [int(p.read_text()) for p in tmp_path.glob("*.pid")]
        assert len(pids) == 2, grading.stderr.read() if grading.poll() is not None else "not started"
        if how == "SIGTERM to grade":
            grading.send_signal(signal.SIGTERM)
        else:
            os.killpg(grading.pid, signal.SIGTERM if how.startswith("SIGTERM") else signal.SIGINT)
        _, err = grading.communicate(timeout=120)  # the submissions would sleep for 600 s
    finally:
        if grading.poll() is None:
            os.killpg(grading.pid, signal.SIGKILL)
            grading.wait()
    assert grading.returncode == 130 and err.decode() == "interrupted\n", err.decode()
    assert all(_ended(pid) for pid in pids)
