"""The read stage: any line shape into numbers and names, records and labels, bad input in one line.

Nothing here uses the truth: the reader sees text. What a shape's numbers are
called is checked against what a person reading the line would say.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from backprop_verify.verify.trace import Reader, TraceError, read_text, records
from backprop_verify.verify.trace.numbers import half_unit, parse

from .conftest import one_line_error


def names_of(line: str) -> tuple[str, ...]:
    printout = read_text(line + "\n")
    return printout.kinds[int(printout.kind[0])].names


def numbers_of(line: str) -> list[float]:
    return read_text(line + "\n").values.tolist()


# -- one line: its numbers and what names them -------------------------------------------------------------

@pytest.mark.parametrize("line, names, numbers", [
    ("Epoch 1000: loss = 0.001114349", ("Epoch", "loss"), [1000, 0.001114349]),
    ("Outputs = 0.75 0.77", ("Outputs[1]", "Outputs[2]"), [0.75, 0.77]),
    ("Output: [0.75, 0.77]", ("Output[1]", "Output[2]"), [0.75, 0.77]),
    ("out = (0.75, 0.77)", ("out[1]", "out[2]"), [0.75, 0.77]),
    ("y [0.75 0.77]", ("y[1]", "y[2]"), [0.75, 0.77]),
    ("O: 0.75  O: 0.77", ("O[1]", "O[2]"), [0.75, 0.77]),
    ("out_o1: 0.75 (target 0.01)", ("out_o1", "target"), [0.75, 0.01]),
    ("loss 0.29 (29%)", ("loss", "loss (remark)"), [0.29, 29]),
    ("| w1 | 0.15 |", ("w1",), [0.15]),
    ("w1 = 0.15;", ("w1",), [0.15]),
    ("loss: np.float64(0.29)", ("loss",), [0.29]),
    ("loss: tensor(0.2983, dtype=torch.float64)", ("loss",), [0.2983]),
    ("out: tensor([0.75, 0.77])", ("out[1]", "out[2]"), [0.75, 0.77]),
    ("E: Decimal('0.29')", ("E",), [0.29]),
    ("weights: array([0.1, 0.2, 0.3])", ("weights[1]", "weights[2]", "weights[3]"), [0.1, 0.2, 0.3]),
    ("Iteration 500 | Total Error: 0.0026816328", ("Iteration", "Total Error"), [500, 0.0026816328]),
    ("Total error after 1000 iterations: 0.0011", ("Total error after", "Total error"), [1000, 0.0011]),
    ("loss after epoch 5: 0.2", ("loss after epoch", "loss"), [5, 0.2]),
    ("误差：0.0011", ("误差",), [0.0011]),
    ('{"epoch": 1, "loss": 0.29, "w": [[0.1, 0.2], [0.3, 0.4]]}', ("epoch", "loss", "w[1]", "w[2]", "w[3]", "w[4]"),
     [1, 0.29, 0.1, 0.2, 0.3, 0.4]),
])
def test_the_text_around_a_number_names_it(line, names, numbers):
    assert names_of(line) == names
    assert numbers_of(line) == numbers


def test_numbers_inside_words_are_not_numbers():
    assert numbers_of("w1_new: 0.5, dE_dw5 = 0.25, float64 out_o1 1e-05") == [0.5, 0.25, 1e-05]
    assert names_of("w1_new: 0.5, dE_dw5 = 0.25") == ("w1_new", "dE_dw5")


@pytest.mark.parametrize("line, counter", [
    ("Training 1000/10000 loss=0.02", 0),
    ("100/10000 [####      ] loss=0.02", 0),
    ("[1000/10000] loss: 0.0011", 0),
    ("Epoch [1000/10000], Loss: 0.0011", 0),
    ("Training:  10%|█         | 1000/10000 [00:01<00:09, 900.00it/s, loss=0.0123]", 1),
])
def test_a_progress_counter_is_an_iteration_out_of_a_total(line, counter):
    printout = read_text(line + "\n")
    kind = printout.kinds[int(printout.kind[0])]
    assert kind.roles[counter] == "counter" and kind.roles[counter + 1] == "total"
    assert names_of(line)[-1].lower() == "loss"


def test_bars_and_terminal_colours_do_not_change_a_line_s_shape():
    text = "".join(f"{k}/300 [{'#' * (k // 100)}{' ' * (3 - k // 100)}] \x1b[32mloss\x1b[0m={0.3 / k:.4f}\n"
                   for k in (100, 200, 300))
    printout = read_text(text)
    assert len(printout.kinds) == 1 and printout.data_lines == 3


# -- numbers: values and printed resolution ----------------------------------------------------------------

@pytest.mark.parametrize("text, resolution", [
    ("0.291027924", 5e-10), ("3.51e-05", 5e-08), ("5", 0.5), ("5.", 0.5), ("1E+05", 5e4),
    ("0.9e+00000000", 0.05), ("2.9837e-0000001", 5e-6), ("0.75136507", 5e-9),
])
def test_the_resolution_comes_from_the_digits_and_the_exponent_s_value(text, resolution):
    """Half a unit of the last printed digit; a zero-padded exponent counts by its value, not its length."""
    assert half_unit(text) == pytest.approx(resolution, rel=1e-12)


def test_non_finite_spellings_are_values_not_finite():
    values, _ = parse(["nan", "-NaN", "inf", "-Infinity", "1e999", "0.5"])
    assert np.isnan(values[:2]).all() and values[2] == np.inf and values[3] == -np.inf and values[4] == np.inf
    assert values[5] == 0.5
    printout = read_text("E_total: -nan(ind)\nE_total: 1.#INF\n")
    assert np.isnan(printout.values[0]) and printout.values[1] == np.inf


# -- rows of bare numbers and their headers --------------------------------------------------------------

def test_a_csv_header_names_the_rows_under_it_and_a_new_header_names_the_rows_under_it():
    text = "iteration,E_total\n0,0.29\n1,0.28\nstep,loss\n0,0.5\n"
    printout = read_text(text)
    named = [printout.kinds[int(k)].names for k in printout.kind]
    assert named == [("iteration", "E_total")] * 2 + [("step", "loss")]


@pytest.mark.parametrize("text", ['"iteration","E_total"\n"0","0.29"\n',
                                  "| iteration | E_total |\n|---|---|\n| 0 | 0.29 |\n",
                                  "iteration;E_total\n0;0.29\n", "iteration\tE_total\n0\t0.29\n"])
def test_quoted_semicolon_tab_and_markdown_tables_are_rows_with_a_header(text):
    printout = read_text(text)
    assert printout.kinds[int(printout.kind[0])].names == ("iteration", "E_total")


def test_headerless_rows_are_columns_named_by_position_or_by_columns():
    assert names_of("0 0.2983 0.7514") == ("column 1", "column 2", "column 3")
    printout = read_text("0 0.2983\n", columns=("iteration", "E_total"))
    assert printout.kinds[0].names == ("iteration", "E_total")


def test_a_json_line_that_repeats_a_key_is_refused():
    one_line_error(pytest.raises(TraceError, read_text, '{"E_total": 0.9, "E_total": 0.29}\n'), "repeated-name",
                   "repeats the key 'E_total'")


# -- records -----------------------------------------------------------------------------------------------

def test_labels_make_records_and_a_summary_after_them_stands_alone():
    text = "Training...\n" + "".join(f"Epoch {k}: loss = {0.3 / k:.9f}\n" for k in range(1000, 10001, 1000))
    text += "done\nFinal error: 0.0000351\n"
    found = records(read_text(text))
    (run,) = found.runs
    assert run.labels.tolist() == list(range(1000, 10001, 1000)) and run.label_name == "Epoch"
    assert [c.name for c in run.body.columns] == ["Epoch", "loss"]
    assert [[c.name for c in block.columns] for block in run.after] == [["Final error"]]


def test_a_decorated_header_labels_the_lines_below_it_and_a_repeated_name_is_indexed():
    text = "".join(f"=== T = {k} ===\nO: 0.75  O: 0.77\n" + "Weight: 0.3\n" * 8 + "Error: 0.2\n" for k in range(3))
    (run,) = records(read_text(text)).runs
    assert run.labels.tolist() == [0, 1, 2] and run.body.records == 3
    names = [c.name for c in run.body.columns]
    assert names == ["T", "O[1]", "O[2]"] + [f"Weight[{k}]" for k in range(1, 9)] + ["Error"]


def test_unlabelled_records_repeat_in_a_pattern():
    (run,) = records(read_text("".join("Weight: 0.3\n" * 8 + "Error: 0.2\n" for _ in range(4)))).runs
    assert run.labels is None and run.body.records == 4 and len(run.body.columns) == 9


def test_labels_that_restart_begin_another_run():
    text = "".join(f"{k} -> {0.3 / (k + 1):.4f}\n" for k in range(5)) * 2
    runs = records(read_text(text)).runs
    assert [r.labels.tolist() for r in runs] == [[0, 1, 2, 3, 4]] * 2


def test_a_constant_counter_is_no_label_keras_epochs_are():
    text = "".join(f"Epoch {k}/3\n1/1 [====] - 0s 2ms/step - loss: 0.2{k}\n" for k in (1, 2, 3))
    (run,) = records(read_text(text)).runs
    assert run.labels.tolist() == [1, 2, 3] and run.label_name == "Epoch"


def test_a_percentage_is_never_the_iteration():
    text = "".join(f"Training: {p}%| | {k}/100 [loss={0.3 / (k + 1):.4f}]\n" for p, k in ((0, 0), (50, 50)))
    (run,) = records(read_text(text)).runs
    assert run.labels.tolist() == [0, 50]


def test_lines_printed_once_stand_alone():
    (run,) = records(read_text("Loss before training: 0.298\nLoss after one update: 0.291\n")).runs
    assert run.body.records == 0 and [c.name for c in run.before[0].columns] == ["Loss before training",
                                                                                  "Loss after one update"]


# -- bad input and bounds ----------------------------------------------------------------------------------

def test_a_line_longer_than_the_limit_is_one_line():
    reader = Reader(max_line=100)
    one_line_error(pytest.raises(TraceError, reader.feed, "x" * 200), "long-line", "longer than 100 characters")


def test_a_quantity_with_no_number_a_reader_takes_is_named():
    one_line_error(pytest.raises(TraceError, read_text, "E_total: 0,29\n".replace("0,29", "０.２９"),
                                 watch=["E_total"]), "not-a-number", "line 1", "E_total")


def test_the_numbers_held_are_bounded():
    one_line_error(pytest.raises(TraceError, read_text, "1 2 3\n" * 100, max_values=30), "too-many",
                   "more than 30 numbers")


def test_text_fed_in_pieces_cut_anywhere_reads_the_same():
    text = "".join(f"epoch {k}\r\nloss = {0.3 / (k + 1)!r}\r" for k in range(200))
    whole = read_text(text)
    reader = Reader()
    for start in range(0, len(text), 7):
        reader.feed(text[start:start + 7])
    pieces = reader.finish()
    assert np.array_equal(whole.values, pieces.values) and np.array_equal(whole.line, pieces.line)


def test_chatter_is_counted_with_its_first_lines_kept():
    printout = read_text("Training the network\n\nEpoch 1: loss 0.3\ndone.\n")
    assert printout.chatter == 2 and printout.chatter_examples[0] == (1, "Training the network")


# -- what a new user's programs taught ------------------------------------------------------------------------

def _verdict(text):
    from backprop_verify.verify import programs, truth

    from .students import SPEC

    return programs.verify_printout(read_text(text), truth.load(SPEC), programs.Options(diagnose=False))


def _frame(**changes):
    from .students import SPEC, train

    return train(iterations=SPEC.iterations, **changes)


def test_labels_grouped_by_thousands_are_one_number_and_a_wrong_loss_under_them_still_fails():
    from .students import printed

    line = "Epoch {k:>6,} | loss {E_total:.8f} | w5 {w5_new:.6f}"
    assert _verdict(printed(_frame(), line)).passed
    twin = _verdict(printed(_frame(rate=0.45), line))
    assert twin.status.value == "failed", twin.line()


@pytest.mark.parametrize("line, numbers", [
    ("[10,000/10,000] loss=0.1", [10000.0, 10000.0, 0.1]),
    ("5,100", [5.0, 100.0]),  # a row of comma-separated values stays two numbers
    ("w=0,500", [0.0, 500.0]),  # no thousands group starts with 0
    ("x,1,000,2", [1.0, 0.0, 2.0]),
])
def test_a_thousands_group_only_between_blanks(line, numbers):
    assert numbers_of(line) == numbers


def test_a_list_named_with_a_moment_word_is_read_by_position_and_a_wrong_one_fails():
    from .students import printed

    frame = _frame()
    final = frame.iloc[-1]
    weights = [final[f"w{k}_new"] for k in range(1, 9)]
    body = printed(frame, "Epoch {k}, loss: {E_total:.8f}")
    right = body + "Final weights: " + ", ".join(f"{w:.6f}" for w in weights) + "\n"
    wrong = body + "Final weights: " + ", ".join(f"{w * 1.01:.6f}" for w in weights) + "\n"
    assert _verdict(right).passed, _verdict(right).line()
    verdict = _verdict(wrong)
    assert verdict.status.value == "failed" and "w1_new" in verdict.line(), verdict.line()


def test_a_value_from_the_last_iteration_passes_with_a_hint_that_a_shorter_run_prints_it_too():
    frame = _frame()
    verdict = _verdict(f"final loss: {frame['E_total'].iloc[-1]:.9f}\n")
    assert verdict.passed and "from the last iteration" in verdict.line(), verdict.line()
    assert any("one update short" in hint and "--final" in hint for hint in verdict.hints), verdict.hints


def test_values_read_as_no_quantity_are_counted_in_the_verdict():
    from .students import printed

    text = "lr=0.3 epochs=10000\n" + printed(_frame(), "Epoch {k}, loss: {E_total:.8f}")
    verdict = _verdict(text)
    assert verdict.passed and "1 other printed value not read as quantities" in verdict.line(), verdict.line()


def test_a_golden_name_wins_over_a_usual_one_on_the_same_line_and_its_wrong_value_still_fails():
    from .students import printed

    frame = _frame()
    frame["avg"] = frame["E_total"].expanding().mean()
    assert _verdict(printed(frame, "iteration {k}: E_total = {E_total!r}, avg_loss = {avg!r}")).passed
    frame["E_total"] = frame["E_total"] * 1.001
    twin = _verdict(printed(frame, "iteration {k}: E_total = {E_total!r}, avg_loss = {avg!r}"))
    assert twin.status.value == "failed", twin.line()


def test_a_heading_that_says_how_often_is_no_iteration_label():
    frame = _frame()
    loss = frame["E_total"]
    listed = "[" + ", ".join(f"np.float64({v!r})" for v in loss[::1000]) + "]"
    text = f"loss every 1000 iterations:\n{listed}\nfinal loss: {loss.iloc[-1]!r}\n"
    verdict = _verdict(text)
    assert verdict.passed and "'final loss' from the last iteration" in verdict.line(), verdict.line()
    assert "10 other printed values not read as quantities" in verdict.line()  # the list is said, not judged
    twin = _verdict(text.replace(repr(loss.iloc[-1]), repr(loss.iloc[-1] * 1.001)))
    assert twin.status.value == "failed", twin.line()


def test_a_number_between_a_name_and_its_colon_is_part_of_the_name_and_a_wrong_value_after_it_fails():
    from .students import printed

    frame = _frame()
    last = frame.iloc[-1]
    body = printed(frame, "Epoch {k}: error {E_total:.12f}")
    right = body + f"Output 1: {last['out_o1']:.12f}  (target 0.01)\nOutput 2: {last['out_o2']:.12f}\n"
    verdict = _verdict(right)
    assert verdict.passed and "'Output_1' as out_o1" in verdict.line(), verdict.line()
    wrong = body + f"Output 1: {last['out_o1'] * 1.01:.12f}  (target 0.01)\nOutput 2: {last['out_o2']:.12f}\n"
    assert _verdict(wrong).status.value == "failed"
    assert numbers_of("weight 5 = 0.35") == [0.35] and numbers_of("Epoch 5: 0.35") == [5.0, 0.35]


def test_a_table_printed_by_pandas_or_r_names_its_columns_past_the_row_index_and_a_wrong_one_fails():
    frame = _frame().iloc[::1000].reset_index(drop=True)
    table = pd.DataFrame({"epoch": range(0, 10_000, 1000), "loss": frame["E_total"], "o1": frame["out_o1"]})
    text = table.to_string(float_format=lambda v: f"{v:.6f}") + "\n"
    assert text.splitlines()[0].startswith(" ")  # the index has no name in the header
    verdict = _verdict(text)
    assert verdict.passed and "'loss' as E_total" in verdict.line(), verdict.line()
    table["loss"] = table["loss"] * 1.01
    assert _verdict(table.to_string(float_format=lambda v: f"{v:.6f}") + "\n").status.value == "failed"


def test_r_s_printed_vectors_are_records_beside_a_matrix_and_a_wrong_one_fails():
    frame = _frame()
    lines = [f"[1] {k + 1:.7f} {e:.7f}" for k, e in enumerate(frame["E_total"]) if k % 1000 == 0]
    matrix = "          [,1]      [,2]\n[1,] 1.1111111 2.2222222\n[2,] 3.3333333 4.4444444\n"
    verdict = _verdict("\n".join(lines) + "\n" + matrix)
    assert verdict.passed and "E_total at 10 iterations" in verdict.line(), verdict.line()
    # a buggy run: right before training, as every mistake of the gradients is, wrong after
    wrong = [f"[1] {k + 1:.7f} {e * (1.01 if k else 1):.7f}" for k, e in enumerate(frame["E_total"]) if k % 1000 == 0]
    assert _verdict("\n".join(wrong) + "\n" + matrix).status.value == "failed"


def test_a_value_named_final_is_the_end_of_the_run_and_a_program_that_never_trains_fails():
    frame = _frame()
    verdict = _verdict(f"Final loss = {frame['E_total'].iloc[-1]!r}\n")
    assert verdict.passed, verdict.line()
    # a program that never trains prints its loss before training under the same name
    twin = _verdict(f"Final loss = {frame['E_total'].iloc[0]!r}\n")
    assert twin.status.value == "failed", twin.line()


def test_a_label_printed_once_after_the_loop_does_not_label_the_run_and_a_wrong_loss_still_fails():
    from .students import printed

    frame = _frame()
    trailer = f"iterations: {len(frame)}\nfinal loss: {frame['E_total'].iloc[-1]!r}\n"
    verdict = _verdict(printed(frame, "Epoch {k}: loss {E_total:.10f}") + trailer)
    # ten labelled records, and the final loss as the last iteration's: 11, not one record collapsed
    assert verdict.passed and "E_total at 11 iterations" in verdict.line(), verdict.line()
    twin = _verdict(printed(_frame(rate=0.45), "Epoch {k}: loss {E_total:.10f}") + trailer)
    assert twin.status.value == "failed", twin.line()


@pytest.mark.parametrize("spelling", ["None", "null", "undefined", "∞", "-∞"])
def test_a_value_never_computed_is_read_as_not_finite_and_fails(spelling):
    from .students import printed

    body = printed(_frame(), "Epoch {k}: loss = {E_total:.10f}")
    assert numbers_of(f"loss = {spelling}") != []
    lines = body.splitlines()
    lines[-1] = lines[-1].rsplit("=", 1)[0] + f"= {spelling}"
    verdict = _verdict("\n".join(lines) + "\n")
    assert verdict.status.value == "failed", verdict.line()


@pytest.mark.parametrize("name", ["E_total (after training)", "Loss [final]", "out_o1 final"])
def test_words_of_when_beside_a_name_say_when_and_a_wrong_value_still_fails(name):
    frame = _frame()
    column = "out_o1" if "o1" in name else "E_total"
    value = frame[column].iloc[-1]
    verdict = _verdict(f"{name}: {value!r}\n")
    assert verdict.passed and f"as {column}" in verdict.line(), verdict.line()
    assert _verdict(f"{name}: {value * 1.001!r}\n").status.value == "failed"


def _every_1000(line, frame):
    rows = frame.to_dict("records")
    return "".join(line(k, rows[k], rows[k + 1]) + "\n" for k in range(0, len(rows) - 1, 1000))


def test_a_loss_printed_before_and_after_the_update_in_one_record_and_one_not_recomputed_fails():
    frame = _frame()
    right = _every_1000(lambda k, r, n: f"epoch {k}: loss before = {r['E_total']:.9f}, "
                        f"loss after = {n['E_total']:.9f}", frame)
    verdict = _verdict(right)
    assert verdict.passed and "second value in a record one update later" in verdict.line(), verdict.line()
    # "after" printed without recomputing the forward pass: its name says after the update, so it fails
    stale = _every_1000(lambda k, r, n: f"epoch {k}: loss before = {r['E_total']:.9f}, "
                        f"loss after = {r['E_total']:.9f}", frame)
    assert _verdict(stale).status.value == "failed"


def test_keras_s_val_loss_is_the_loss_after_the_epoch_s_update_and_a_wrong_one_fails():
    frame = _frame()
    right = _every_1000(lambda k, r, n: f"Epoch {k + 1}/10000 - loss: {r['E_total']:.6f} - "
                        f"val_loss: {n['E_total']:.6f}", frame)
    assert _verdict(right).passed, _verdict(right).line()
    wrong = _every_1000(lambda k, r, n: f"Epoch {k + 1}/10000 - loss: {r['E_total']:.6f} - "
                        f"val_loss: {n['E_total'] * 1.01:.6f}", frame)
    assert _verdict(wrong).status.value == "failed"


def test_a_weight_named_as_one_is_read_even_when_it_never_changes_and_equals_the_rate():
    frame = _frame()
    right = _every_1000(lambda k, r, n: f"Epoch {k}: loss = {r['E_total']:.9f}, w5 = {r['w5_new']:.9f}", frame)
    assert _verdict(right).passed, _verdict(right).line()
    stuck = _every_1000(lambda k, r, n: f"Epoch {k}: loss = {r['E_total']:.9f}, w5 = tensor(0.5)", frame)
    verdict = _verdict(stuck)
    assert verdict.status.value == "failed" and "w5_new" in verdict.line(), verdict.line()


def _first_step(name, value):
    """The verdict of a program printing the loss before training and ``name = value`` after the first step."""
    return _verdict(f"E_total = {_frame().iloc[0]['E_total']:.9f}\n{name} = {value:.9f}\n")


@pytest.mark.parametrize("name", ["dE_total/dw5", "∂E_total/∂w5", "∂E/∂w5", "gradient of w5", "grad w5",
                                  "dL/dw5"])
def test_the_ways_a_gradient_is_written_name_it_and_a_wrong_sign_fails(name):
    gradient = _frame().iloc[0]["dE_dw5"]
    verdict = _first_step(name, gradient)
    assert verdict.passed and "as dE_dw5" in verdict.line(), verdict.line()
    assert _first_step(name, -gradient).status.value == "failed"


@pytest.mark.parametrize("name", ["w5+", "w5_next", "new w5", "updated w5"])
def test_the_ways_an_updated_weight_is_written_name_it_and_a_wrong_one_fails(name):
    from .students import SPEC

    verdict = _first_step(name, _frame().iloc[0]["w5_new"])
    assert verdict.passed and "w5_new" in verdict.line(), verdict.line()
    # the weight before its update, under a name that says it is the new one
    assert _first_step(name, float(SPEC.weights[4])).status.value == "failed"


def test_an_accuracy_is_never_read_as_a_weight_and_a_wrong_loss_beside_it_fails():
    frame = _frame()
    right = _every_1000(lambda k, r, n: f"Epoch {k}: loss = {r['E_total']:.9f}, acc = {0.5 + k / 1e5:.4f}", frame)
    verdict = _verdict(right)
    assert verdict.passed and "'acc'" not in verdict.reading, verdict.line()
    assert "10 other printed values not read as quantities" in verdict.line()
    wrong = _every_1000(lambda k, r, n: f"Epoch {k}: loss = {r['E_total'] * 1.01:.9f}, acc = {0.5:.4f}", frame)
    assert _verdict(wrong).status.value == "failed"


def test_a_loss_name_printed_twice_is_the_loss_twice_and_a_list_of_errors_is_not():
    from .students import SPEC

    frame = _frame()
    twice = _every_1000(lambda k, r, n: f"Epoch {k}: loss = {r['E_total']:.9f}\nEpoch {k}: loss = "
                        f"{n['E_total']:.9f}", frame)
    assert _verdict(twice).passed, _verdict(twice).line()
    # the second value never recomputed, doubled: read as the loss, so it fails
    doubled = _every_1000(lambda k, r, n: f"Epoch {k}: loss = {r['E_total']:.9f}, loss = "
                          f"{2 * r['E_total']:.9f}", frame)
    verdict = _verdict(doubled)
    assert verdict.status.value == "failed" and "'loss[2]' as E_total" in verdict.line(), verdict.line()
    # each output's own error, a list after one name: never read as the total loss
    t1, t2 = (float(t) for t in SPEC.examples[0].targets)
    parts = _every_1000(lambda k, r, n: f"Epoch {k}: loss = {r['E_total']:.9f}, errors = "
                        f"[{(t1 - r['out_o1']) ** 2 / 2:.9f}, {(t2 - r['out_o2']) ** 2 / 2:.9f}]", frame)
    verdict = _verdict(parts)
    assert verdict.passed and "'errors" not in verdict.reading, verdict.line()


@pytest.mark.parametrize("form", ["w{k}_1", "w{k} ->", "w{k}(new)"])
def test_names_read_by_value_teach_the_rest_and_a_wrong_weight_under_such_a_name_fails(form):
    first = _frame().iloc[0]
    order = [5, 6, 7, 8, 1, 2, 3, 4]
    right = f"E_total = {first['E_total']:.9f}\n" + "".join(
        f"{form.format(k=k)} = {first[f'w{k}_new']:.9f}\n" for k in order)
    verdict = _verdict(right)
    assert verdict.passed and "not read" not in verdict.line(), verdict.line()
    # the hidden layer's weights wrong: under the same form of name they are read, so they fail
    wrong = right.replace(f"{first['w1_new']:.9f}", f"{first['w1_new'] + 1e-4:.9f}")
    verdict = _verdict(wrong)
    assert verdict.status.value == "failed" and "w1_new" in verdict.line(), verdict.line()


def test_values_printed_to_the_end_but_too_coarse_are_said_so_not_said_unprinted():
    from .students import printed

    frame = _frame()
    verdict = _verdict(printed(frame, "epoch {k}: loss {E_total:.4f}", every=100))
    assert verdict.passed, verdict.line()
    (hint,) = [h for h in verdict.hints if "values checked end" in h]
    assert "too coarse to check" in hint and "not printed" not in hint, hint
    # printed only to iteration 5,000: the rest is said not printed
    verdict = _verdict(printed(frame.iloc[:5001], "epoch {k}: loss {E_total:.9f}", every=100))
    (hint,) = [h for h in verdict.hints if "values checked end" in h]
    assert "the rest of the run was not printed" in hint, hint


def test_a_table_labelled_in_german_is_read_and_a_wrong_loss_in_it_fails():
    from .students import printed

    frame = _frame()
    header = "Epoche\tVerlust\n"
    verdict = _verdict(header + printed(frame, "{k}\t{E_total:.9f}"))
    assert verdict.passed and "'Verlust' as E_total" in verdict.line() and "labels from 0" in verdict.line(), \
        verdict.line()
    assert "(by value)" not in verdict.line()
    twin = _verdict(header + printed(_frame(rate=0.45), "{k}\t{E_total:.9f}"))
    assert twin.status.value == "failed", twin.line()


@pytest.mark.slow  # two replays of every known mistake over 9,000 iterations
def test_a_pass_at_coarse_digits_says_which_known_mistakes_print_the_same():
    from backprop_verify.verify import programs, truth

    from .students import SPEC, printed

    def verdict(text):
        return programs.verify_printout(read_text(text), truth.load(SPEC), programs.Options())

    coarse = "epoch {k}: loss {E_total:.4f}"
    right = verdict(printed(_frame(), coarse))
    # the already-updated weights in the hidden gradients print the same at 4 decimals: it passes too, and both
    # passes say so
    buggy = verdict(printed(_frame(mistake="updated-backward"), coarse))
    for found in (right, buggy):
        (hint,) = [h for h in found.hints if "known mistake" in h]
        assert found.passed and "already-updated weights" in hint, (found.line(), hint)
    fine = verdict(printed(_frame(), "epoch {k}: loss {E_total!r}"))
    assert fine.passed and not [h for h in fine.hints if "known mistake" in h], fine.hints
    assert verdict(printed(_frame(mistake="updated-backward"), "epoch {k}: loss {E_total!r}")).status.value == \
        "failed"


def test_a_name_before_a_bracketed_iteration_names_the_value_after_it_and_a_wrong_one_fails():
    from .students import printed

    frame = _frame()
    body = printed(frame, "Epoch {k}: loss = {E_total:.9f}")
    last = frame["E_total"].iloc[-1]
    verdict = _verdict(body + f"Total Error (after 10,000 rounds): {last:.9f}\n")
    assert verdict.passed and "'Total Error' as E_total" in verdict.line(), verdict.line()
    wrong = _verdict(body + f"Total Error (after 10,000 rounds): {last * 1.5:.9f}\n")
    assert wrong.status.value == "failed", wrong.line()


def test_a_decimal_comma_after_a_usual_name_is_refused_not_read_as_two_numbers():
    from backprop_verify.verify import programs

    from .students import SPEC, printed

    text = printed(_frame(), "Durchlauf {k:>6}  Fehler {E_total:.9f}  o1 {out_o1:.6f}").replace(".", ",")
    printing = programs.Printing()
    reader = programs.reader_for(SPEC, SPEC.iterations, printing)
    with pytest.raises(TraceError, match="line 1 writes a value with a decimal comma"):
        reader.feed(text)
        reader.finish()
    # "Epoch 1,000" groups thousands: a comma after a label's word is not refused
    assert _verdict(printed(_frame(), "Epoch {k:,}: loss {E_total:.9f}")).passed


def test_an_r_vector_printed_after_a_table_is_not_a_row_of_it_and_a_wrong_loss_in_the_table_still_fails():
    frame = _frame().iloc[::1000].reset_index(drop=True)
    table = pd.DataFrame({"iter": range(0, 10_000, 1000), "loss": frame["E_total"]})
    last = _frame().iloc[-1]
    weights = [last[f"w{k}_new"] for k in range(1, 9)]
    text = table.to_string(float_format=lambda v: f"{v:.6e}") + "\n"
    text += "[1] " + " ".join(f"{w:.7f}" for w in weights[:7]) + "\n[8] " + f"{weights[7]:.7f}\n"
    verdict = _verdict(text)
    assert verdict.passed and "w1_new" in verdict.line(), verdict.line()
    table["loss"] = table["loss"] * 1.01
    wrong = table.to_string(float_format=lambda v: f"{v:.6e}") + "\n" + text.split("\n", 11)[-1]
    assert _verdict(wrong).status.value == "failed"


def test_a_wrong_value_printed_beside_one_named_after_training_is_placed_with_it():
    from .students import train

    last = train(iterations=1001).iloc[1000]  # the forward pass after 1,000 updates
    # a run of 1,000 updates printing its loss "after training" and its outputs below it: all after training,
    # so the cause (the iteration count) reproduces them together
    text = f"loss after training: {last['E_total']!r}\no1 = {last['out_o1']!r}  o2 = {last['out_o2']!r}\n"
    verdict = _verdict(text)
    assert verdict.status.value == "failed", verdict.line()
    assert "'loss after training', 'o1', 'o2' after training" in verdict.line(), verdict.line()


def test_a_matrix_printed_over_several_lines_is_one_value_and_a_wrong_weight_in_its_second_row_fails():
    last = _frame().iloc[-1]
    weights = [last[f"w{k}_new"] for k in range(1, 9)]

    def matrix(values):
        rows = [" ".join(f"{v:.8f}" for v in values[:4]), " ".join(f"{v:.8f}" for v in values[4:])]
        return f"final loss: {last['E_total']!r}\nweights: [[{rows[0]}]\n [{rows[1]}]]\ndone\n"

    verdict = _verdict(matrix(weights))
    assert verdict.passed and "9 of 19 quantities" in verdict.line() and "'weights[1]' as w1_new" in \
        verdict.reading and "not read" not in verdict.line(), verdict.line()
    weights[5] += 1e-6
    assert _verdict(matrix(weights)).status.value == "failed"
    # line numbers are kept: the line after the matrix is line 4
    printout = read_text(matrix(weights))
    assert printout.lines == 4 and printout.chatter_examples[0] == (4, "done"), printout.chatter_examples


def test_an_unclosed_bracket_is_left_as_printed():
    text = "[INFO training\n  loss 0.5\nepoch 1: loss 0.3\n"
    printout = read_text(text)
    assert printout.lines == 3 and names_of("  loss 0.5") == ("loss",)


def test_a_matrix_across_the_reader_s_batches_reads_as_in_one(monkeypatch):
    from backprop_verify.verify.trace import reader as reading

    text = "".join(f"epoch {k}\nW = [[0.{k}1 0.{k}2]\n [0.{k}3 0.{k}4]]\nloss 0.{k}5\n" for k in range(1, 8))
    whole = read_text(text)
    monkeypatch.setattr(reading, "BATCH_LINES", 2)
    fed = Reader()
    for line in text.splitlines(keepends=True):  # a batch read every two lines: matrices are cut across them
        fed.feed(line)
    cut = fed.finish()
    assert np.array_equal(whole.values, cut.values) and np.array_equal(whole.line, cut.line)
    assert [k.names for k in whole.kinds] == [k.names for k in cut.kinds]
    assert whole.line.tolist()[:7] == [1, 2, 4, 5, 6, 8, 9]  # a line per data line; the matrix keeps its first


def test_a_list_of_the_inputs_under_an_output_s_name_is_not_read_as_the_outputs_but_the_targets_are():
    from .students import SPEC

    last = _frame().iloc[-1]
    inputs = ",".join(f"{float(v):.2f}" for v in SPEC.examples[0].inputs)
    head = f"Total error after training: {last['E_total']!r}\n"
    verdict = _verdict(head + f"Predictions: {inputs} -> (see weights)\n")
    assert verdict.passed and "Predictions" not in verdict.reading, verdict.line()
    targets = ", ".join(f"{float(v):.2f}" for v in SPEC.examples[0].targets)
    assert _verdict(head + f"Predictions: [{targets}]\n").status.value == "failed"  # outputs printed as targets
    right = f"Predictions: [{last['out_o1']:.6f}, {last['out_o2']:.6f}]\n"
    assert _verdict(head + right).passed


@pytest.mark.parametrize("line", ["epoch {e} step {s}: loss = {E_total:.9f}",
                                  "Epoch {e}, Step {s}, loss {E_total:.9f}"])
def test_steps_counted_again_in_each_epoch_make_one_iteration_and_a_wrong_run_fails(line):
    def printed(frame):
        rows = frame.to_dict("records")
        return "".join(line.format(e=k // 1000, s=k % 1000, **rows[k]) + "\n" for k in range(0, len(rows), 100))

    verdict = _verdict(printed(_frame()))
    assert verdict.passed and "E_total at 100 iterations (0 to 9,900, every 100th)" in verdict.line(), verdict.line()
    assert _verdict(printed(_frame(rate=0.45))).status.value == "failed"
