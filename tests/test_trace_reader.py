"""The trace reader: every format as real programs print it, the printed resolution, names, and bad input."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from backprop_verify.reference import names as golden_names
from backprop_verify.reference import spec as spec_module
from backprop_verify.verify.trace import NameMap, TraceError, TraceReader, read_text
from backprop_verify.verify.trace import names as name_maps
from backprop_verify.verify.trace.numbers import half_unit

from .conftest import one_line_error

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTED = ROOT / "golden" / "documented"
QUANTITIES = golden_names.quantities(spec_module.load(DOCUMENTED / "example.toml"))


@cache
def golden() -> pd.DataFrame:
    table = pd.read_csv(DOCUMENTED / "trajectory.csv", dtype=str)  # float() of each text: the exact doubles
    return table.astype({c: int if c == "iteration" else float for c in table.columns})


def read(text: str, **options):
    return read_text(text, QUANTITIES, **options)


def fails(text: str, kind: str, *words: str, **options) -> str:
    with pytest.raises(TraceError) as caught:
        read(text, **options)
    return one_line_error(caught, kind, *words)


def neuron_rb_trace(iterations: int | None = None) -> str:
    """The golden trajectory as Neuron.rb prints it: 19 name:value lines per iteration, shortest round-trip floats."""
    order = name_maps.neuron_rb().to_golden
    table = golden() if iterations is None else golden().head(iterations)
    columns = [table[q].tolist() for q in order.values()]
    names = list(order)
    return "".join(f"{names[j]}:{column[i]!r}\n" for i in range(len(table)) for j, column in enumerate(columns))


# -- whole traces --------------------------------------------------------------------------------------------

def test_neuron_rb_full_trace_reads_back_every_double_exactly():
    trace = read(neuron_rb_trace(), names=name_maps.neuron_rb())
    assert (trace.format, trace.layout, trace.records, trace.lines) == ("name-value", "name:value", 10_000, 190_000)
    assert not trace.labelled and trace.iterations.tolist() == list(range(10_000))
    assert trace.quantities[:4] == ("out_o1", "out_o2", "E_total", "dE_dw5")  # Neuron.rb's print order
    assert sorted(trace.quantities) == sorted(QUANTITIES)
    for q in QUANTITIES:
        np.testing.assert_array_equal(trace.values[q], golden()[q].to_numpy())
        assert trace.present[q].all()
    assert trace.ignored_lines == 0 and trace.unknown_names == {} and trace.notes() == []


def test_golden_csv_reads_back_exactly_with_its_iteration_column():
    trace = read((DOCUMENTED / "trajectory.csv").read_text())
    assert (trace.format, trace.layout, trace.records, trace.labelled) == ("csv", "comma", 10_000, True)
    assert trace.iterations.dtype == np.int64 and trace.iterations[-1] == 9_999
    for q in QUANTITIES:
        np.testing.assert_array_equal(trace.values[q], golden()[q].to_numpy())


def test_the_resolution_of_each_value_is_half_a_unit_of_its_last_printed_digit():
    trace = read(neuron_rb_trace(50), names=name_maps.neuron_rb())
    for q in ("E_total", "dE_dw1", "w8_new"):
        expected = [half_unit(repr(v)) for v in golden()[q].head(50)]
        np.testing.assert_array_equal(trace.resolution[q], expected)


def test_chunks_cut_anywhere_give_the_same_trace():
    text = "Training\r\n" + neuron_rb_trace(30).replace("\n", "\r\n") + "done\r\n"
    whole = read(text, names=name_maps.neuron_rb())
    pieces = random.Random(7)
    for sizes in ([1], [7, 3], [4096], [1, 65_536, 2]):
        reader = TraceReader(QUANTITIES, names=name_maps.neuron_rb())
        at = 0
        while at < len(text):
            size = pieces.choice(sizes)
            reader.feed(text[at:at + size])
            at += size
        trace = reader.finish()
        assert trace.records == whole.records == 30 and trace.ignored_lines == 2
        for q in whole.quantities:
            np.testing.assert_array_equal(trace.values[q], whole.values[q])
            np.testing.assert_array_equal(trace.resolution[q], whole.resolution[q])


# -- the resolution rule -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, unit", [
    ("0.291027924", "5e-10"), ("3.51e-05", "5e-08"), ("0.7513650695523157", "5e-17"), ("5", "0.5"),
    ("5.", "0.5"), (".5", "0.05"), ("-0.5", "0.05"), ("+3", "0.5"), ("1E+05", "5e4"), ("1e-5", "5e-6"),
    ("1200", "0.5"), ("2.50e3", "5"), ("1e-400", "0"),
])
def test_half_unit_of_the_last_printed_digit(text, unit):
    assert half_unit(text) == float(unit)
    assert read(f"E_total: {text}\n").resolution["E_total"][0] == float(unit)


# -- formats as programs print them --------------------------------------------------------------------------

def losses(n: int, after: int = 0) -> list[float]:
    return golden()["E_total"].iloc[after:after + n].tolist()


def test_only_the_loss_rounded_to_nine_decimals_on_tab_indented_lines_after_a_banner():
    text = "Training the network...\n\n" + "".join(f"\t{e:.9f}\n" for e in losses(5)) + "Done.\n"
    trace = read(text, columns=["E_total"])
    assert (trace.format, trace.quantities, trace.records) == ("columns", ("E_total",), 5)
    np.testing.assert_array_equal(trace.values["E_total"], [float(f"{e:.9f}") for e in losses(5)])
    assert (trace.resolution["E_total"] == 5e-10).all()
    assert trace.ignored_lines == 3 and trace.ignored_examples[0] == (1, "Training the network...")


def test_printf_of_the_loss_with_its_name():
    trace = read("".join(f"E_total: {e:.9f}\n" for e in losses(4)))
    assert trace.layout == "name:value" and trace.records == 4
    assert trace.values["E_total"][0] == 0.298371109


def test_epoch_and_loss_every_hundred_iterations():
    text = "".join(f"Epoch {k}: loss = {e:.4f}\n" for k, e in zip(range(100, 600, 100), losses(5)))
    trace = read(text, names=NameMap.from_options(["loss=E_total"]))
    assert trace.labelled and trace.iterations.tolist() == [100, 200, 300, 400, 500]
    assert trace.values["E_total"][0] == 0.2984 and trace.resolution["E_total"][0] == 5e-5


def test_several_pairs_on_a_line():
    text = "".join(f"iter {k}, loss = {e}\n" for k, e in enumerate(losses(3)))
    trace = read(text, names=NameMap.from_options(["loss=E_total"]))
    assert trace.layout == "pairs" and trace.iterations.tolist() == [0, 1, 2]
    np.testing.assert_array_equal(trace.values["E_total"], losses(3))


@pytest.mark.parametrize("layout, line", [("name:value", "{}:{}"), ("name:value", "  {} :  {}  "),
                                          ("name = value", "{} = {}"), ("name value", "{} {}"),
                                          ("name value", "\t{}\t{}")])
def test_one_pair_per_line_with_any_separator(layout, line):
    text = "".join(line.format("out_o1", o) + "\n" + line.format("E_total", e) + "\n"
                   for o, e in zip(golden()["out_o1"].head(3), losses(3)))
    trace = read(text)
    assert (trace.layout, trace.quantities, trace.records) == (layout, ("out_o1", "E_total"), 3)
    np.testing.assert_array_equal(trace.values["E_total"], losses(3))


def test_mapped_names_may_hold_spaces_and_digits():
    text = "Total error: 0.25\nlayer 2 out 1 = 0.75\nTotal error: 0.24\nlayer 2 out 1 = 0.74\n"
    names = NameMap.from_options(["Total error=E_total", "layer 2 out 1 = out_o1"])
    trace = read(text, names=names)
    assert trace.values["out_o1"].tolist() == [0.75, 0.74] and trace.values["E_total"].tolist() == [0.25, 0.24]


def test_names_that_are_not_quantities_are_ignored_and_listed():
    text = "".join(f"out_h1: 0.59\nout_o1: {o}\nE_Total: {e}\n" for o, e in zip([0.75, 0.74], [0.29, 0.28]))
    trace = read(text)
    assert trace.quantities == ("out_o1",) and trace.records == 2
    assert trace.unknown_names == {"out_h1": 2, "E_Total": 2}
    assert trace.suggestions == {"E_Total": "E_total"}  # out_h1 is another quantity, not a misspelling
    assert "E_Total (2x; did you mean 'E_total'?)" in trace.notes()[0]


@pytest.mark.parametrize("separator, layout", [(",", "comma"), (";", "semicolon"), ("\t", "tab"), (" ", "blanks"),
                                               (", ", "comma")])
def test_csv_with_a_header_and_any_separator(separator, layout):
    rows = golden().head(3)[["iteration", "E_total", "out_o1"]]
    lines = [separator.join(rows.columns)] + [separator.join(map(repr, r)) for r in rows.itertuples(index=False)]
    text = "Starting training\n" + "\n".join(lines).replace("'", "") + "\nTraining finished.\n"
    trace = read(text)
    assert (trace.format, trace.layout, trace.records, trace.labelled) == ("csv", layout, 3, True)
    assert trace.quantities == ("E_total", "out_o1") and trace.ignored_lines == 2
    np.testing.assert_array_equal(trace.values["E_total"], losses(3))


def test_csv_extras_quoted_header_empty_cell_unknown_column_repeated_header():
    text = '"epoch","E_total","out_h1"\n1,0.29,0.59\n2,,0.58\nepoch,E_total,out_h1\n3,0.27,0.57\n'
    trace = read(text)
    assert trace.iterations.tolist() == [1, 2, 3]
    assert trace.present["E_total"].tolist() == [True, False, True]
    assert np.isnan(trace.values["E_total"][1]) and np.isnan(trace.resolution["E_total"][1])
    assert trace.unknown_names == {"out_h1": 3} and trace.ignored_lines == 1


def test_csv_printed_with_a_separator_after_every_field():
    trace = read("iteration,E_total,out_o1,\n0,0.3,0.75,\n1,0.29,,\n")
    assert trace.values["E_total"].tolist() == [0.3, 0.29] and trace.present["out_o1"].tolist() == [True, False]
    assert read("0;0.3;\n1;0.29;\n", columns=["iteration", "E_total"]).records == 2


def test_json_lines():
    lines = [json.dumps({"epoch": k, "E_total": e, "out_h1": 0.5, "note": [1, 2]}) for k, e in enumerate(losses(3))]
    trace = read("loading\n" + "\n".join(lines) + "\n{not json}\n")
    assert (trace.format, trace.records, trace.iterations.tolist()) == ("jsonl", 3, [0, 1, 2])
    np.testing.assert_array_equal(trace.values["E_total"], losses(3))
    assert trace.unknown_names == {"out_h1": 3, "note": 3} and trace.ignored_lines == 2


def test_a_trace_as_a_table():
    frame = read("iteration,E_total,out_o1\n3,0.3,\n4,0.2,0.7\n").to_frame()
    assert list(frame.columns) == ["iteration", "E_total", "out_o1"] and frame["iteration"].tolist() == [3, 4]
    assert frame["out_o1"].isna().tolist() == [True, False]


def test_json_numbers_in_strings_and_nulls():
    trace = read('{"E_total": "0.25", "out_o1": null}\n{"E_total": 0.24, "out_o1": 0.75}\n')
    assert trace.values["E_total"].tolist() == [0.25, 0.24] and trace.present["out_o1"].tolist() == [False, True]


def test_headerless_columns_named_by_the_caller_with_a_skipped_column():
    text = "".join(f"{k}, {e!r}, 123\n" for k, e in enumerate(losses(4)))
    trace = read(text, columns=["iteration", "E_total", "-"])
    assert (trace.format, trace.layout, trace.labelled, trace.quantities) == ("columns", "comma", True, ("E_total",))
    assert trace.unknown_names == {}
    np.testing.assert_array_equal(trace.values["E_total"], losses(4))


def test_one_print_after_one_epoch():
    trace = read("epoch 1 finished\nE_total = 0.0351\n")
    assert trace.records == 1 and trace.values["E_total"].tolist() == [0.0351]


def test_line_ends_crlf_cut_between_chunks_and_lone_carriage_returns():
    reader = TraceReader(QUANTITIES)
    for chunk in ["E_total: 0.3\r", "\nE_total: 0.2\r", "\n", "50% done\r100% done\rE_total: x\r\n"]:
        reader.feed(chunk)
    for _ in range(2):  # after an error the reader keeps saying it
        with pytest.raises(TraceError, match="line 5: the value of E_total"):
            reader.finish()
    trace = read("E_total: 0.3\r\n50% done\rE_total: 0.2\r\n")
    assert trace.values["E_total"].tolist() == [0.3, 0.2] and trace.ignored_examples == ((2, "50% done"),)


def test_a_byte_order_mark_is_not_part_of_the_first_name():
    assert read("\ufeffE_total:0.5\n").values["E_total"].tolist() == [0.5]


# -- detection -----------------------------------------------------------------------------------------------

def test_detection_skips_banners_and_object_dumps():
    text = textwrap.dedent("""\
        === backprop demo v1.2 ===
        #<Neuron:0x000055d5 @weights=[0.15, 0.2], @bias=0.35>
        <__main__.Network object at 0x7f3a2c1b>
        Network(layers=[2, 2, 2], lr=0.5)
        E_total: 0.298
        Took 3.2 s
        Epoch 1/100
        1/1 [==============================] - 0s 5ms/step - loss: 0.2984
        """)
    trace = read(text)
    assert trace.format == "name-value" and trace.ignored_lines == 7 and trace.records == 1
    assert [n for n, _ in trace.ignored_examples] == [1, 2, 3, 4, 6]


def test_bare_rows_of_numbers_need_names():
    fails("0 0.298\n1 0.291\n", "no-names", "line 2", "columns=")


def test_a_header_of_unknown_names_says_so():
    fails("i,loss\n0,0.298\n1,0.291\n", "unknown-name", "'i', 'loss'", "--name")


def test_a_forced_format_reads_only_that_format():
    text = "E_total: 0.3\niteration,E_total\n0,0.29\n"
    assert read(text).format == "name-value"
    trace = read(text, format="csv")
    assert (trace.format, trace.values["E_total"].tolist(), trace.ignored_lines) == ("csv", [0.29], 1)
    fails('{"E_total": 0.3}\n', "garbage", "CSV header", format="csv")


# -- records and labels --------------------------------------------------------------------------------------

def test_a_record_ends_where_a_name_comes_back_and_missing_values_are_nan():
    text = "iteration: 0\nout_o1: 0.75\nE_total: 0.29\niteration: 1\nE_total: 0.28\niteration: 2\nout_o1: 0.73\n"
    trace = read(text)
    assert trace.iterations.tolist() == [0, 1, 2] and trace.quantities == ("out_o1", "E_total")
    assert trace.present["out_o1"].tolist() == [True, False, True]
    assert np.isnan(trace.values["E_total"][2])


def test_the_label_may_follow_the_values():
    trace = read("E_total: 0.29\nstep: 1\nE_total: 0.28\nstep: 2\n")
    assert trace.iterations.tolist() == [1, 2] and trace.values["E_total"].tolist() == [0.29, 0.28]


@pytest.mark.parametrize("labels, words", [((0, 2, 1), "iteration 1 comes after iteration 2"),
                                           ((0, 1, 1), "iteration 1 comes after iteration 1")])
def test_labels_must_increase(labels, words):
    text = "".join(f"iteration: {k}\nE_total: 0.2\n" for k in labels)
    fails(text, "out-of-order", words, "line 5")


def test_labels_on_some_records_only():
    fails("E_total: 0.3\niteration: 1\nE_total: 0.2\n", "missing-label", "line 3")


def test_a_label_must_be_a_whole_number():
    fails("iteration: 1.5\nE_total: 0.2\n", "not-a-number", "iteration label")


# -- bad input -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["０.２９", "٠.٢٩", "0.29\x00", "1_000.5", "0.29x", "1e", "--1", "0,29", "0x1p-3"])
def test_values_that_are_not_ascii_decimals(value):
    fails(f"E_total: 0.3\nE_total: {value}\n", "not-a-number", "line 2", "E_total", repr(value))


@pytest.mark.parametrize("value", ["nan", "NaN", "-nan", "inf", "-Infinity", "-nan(ind)", "1.#INF", "1e999"])
def test_non_finite_values_name_their_line_and_quantity(value):
    fails(f"out_o1: 0.7\nE_total: {value}\n", "non-finite", "line 2", "E_total")


@pytest.mark.parametrize("text", ["iteration,E_total\n0,0.3\n1,nan\n", '{"E_total": 0.3}\n{"E_total": NaN}\n'])
def test_non_finite_values_in_csv_and_json(text):
    fails(text, "non-finite", "line")


def test_bad_csv_cells_and_rows():
    fails("iteration,E_total\n0,0.3\n1,٠.٢\n", "not-a-number", "line 3", "E_total")
    fails("iteration,E_total\n0,0.3\n1,0.2,0.5\n", "garbage", "line 3 has 3 values", "2 columns")


def test_strict_reading_refuses_the_first_line_that_is_not_trace():
    assert read("E_total: 0.3\n", strict=True).records == 1
    fails("E_total: 0.3\nloss went down\n", "garbage", "line 2", "strict", strict=True)


def test_strict_reading_accepts_a_header_and_pair_lines_before_the_first_quantity():
    assert read("iteration,E_total\n0,0.3\n", strict=True).records == 1
    assert read("iteration: 0\nout_h1: 0.59\nE_total: 0.3\n", strict=True).records == 1
    fails("Training\niteration,E_total\n0,0.3\n", "garbage", "line 1", strict=True)
    fails("\nE_total: 0.3\n", "garbage", "line 1", strict=True)


def test_lines_keep_their_numbers_while_the_format_is_unknown():
    text = "\n\nbanner\n\nrun 1 of 1:\nE_total: 0.3\nE_total: x\n"
    fails(text, "not-a-number", "line 7")
    trace = read(text.replace("x", "0.2"))
    assert [n for n, _ in trace.ignored_examples] == [1, 2, 3, 4, 5] and trace.records == 2


def test_ignored_lines_are_counted_and_a_few_kept_short():
    text = "".join(f"chatter {'x' * 200} {k}th line\n" if k % 2 else f"E_total: 0.{k + 1}\n" for k in range(20))
    trace = read(text)
    assert trace.ignored_lines == 10 and len(trace.ignored_examples) == 5
    assert all(len(example) <= 83 for _, example in trace.ignored_examples)
    assert trace.notes()[0].startswith("ignored 10 lines")


@pytest.mark.parametrize("text, kind, words", [
    ("", "empty", "nothing"), ("\n\n\n", "empty", "3 blank lines"),
    ("hello\nworld\n", "garbage", "first line: 'hello'"),
    ("loss: 0.3\nloss: 0.2\n", "unknown-name", "'loss' (2x)"),
    ("Etotal = 0.3\n", "unknown-name", "did you mean 'E_total'?"),
])
def test_nothing_to_read(text, kind, words):
    fails(text, kind, words)


def test_a_long_line_is_refused_by_number_without_being_held():
    fails("E_total: 0.3\n" + "x" * 70_000 + "\n", "long-line", "line 2", "65,536")
    reader = TraceReader(QUANTITIES)
    reader.feed("E_total: 0.3\nE_total: 0.2\n")
    fed = 0
    with pytest.raises(TraceError) as caught:
        for _ in range(1_000):  # 1 MB without a line break, in 1 kB pieces
            reader.feed("y" * 1_000)
            fed += 1
    assert caught.value.kind == "long-line" and "line 3" in str(caught.value)
    assert fed == 65  # refused as soon as the line passed the limit


def test_more_records_than_allowed():
    fails("E_total: 0.3\n" * 6, "too-many", "more than 5 iterations", "line 6", max_records=5)
    assert read("E_total: 0.3\n" * 5, max_records=5).records == 5


# -- names and maps ------------------------------------------------------------------------------------------

def test_the_neuron_rb_map_file_loads():
    names = name_maps.neuron_rb()
    assert len(names.to_golden) == 19 and names.to_golden["af_E_total_w5"] == "dE_dw5"


def test_a_map_file_and_options(tmp_path):
    path = tmp_path / "names.toml"
    path.write_text('[names]\n"Total error" = "E_total"\nEpoch = "iteration"\n')
    names = name_maps.load(path).merged(NameMap.from_options(["o1 output=out_o1"]))
    trace = read("Epoch: 3\nTotal error: 0.2\no1 output: 0.7\n", names=names)
    assert trace.iterations.tolist() == [3] and trace.quantities == ("E_total", "out_o1")


@pytest.mark.parametrize("toml, words", [
    ('[names]\n"" = "E_total"\n', "empty"),
    ('[names]\n" loss" = "E_total"\n', "blanks"),
    ('[names]\n"a\\nb" = "E_total"\n', "line break"),
    ('[names]\nloss = 3\n', "in quotes"),
    ('[name]\nloss = "E_total"\n', "[names]"),
    ('[names\n', "TOML"),
])
def test_map_files_that_can_never_match_are_refused(tmp_path, toml, words):
    path = tmp_path / "names.toml"
    path.write_text(toml)
    with pytest.raises(TraceError) as caught:
        name_maps.load(path)
    assert caught.value.kind == "name-map" and words in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("option, words", [("loss", "PROGRAM NAME=GOLDEN_NAME"), ("=E_total", "empty"),
                                           (" loss=E_total", "blanks"), ("loss=", "PROGRAM NAME")])
def test_bad_name_options(option, words):
    with pytest.raises(TraceError) as caught:
        NameMap.from_options([option])
    assert caught.value.kind == "name-map" and words in str(caught.value)


def test_a_map_to_something_that_is_not_a_quantity():
    fails("loss: 0.3\n", "name-map", "'E_Total'", "did you mean 'E_total'?",
          names=NameMap.from_options(["loss=E_Total"]))


def test_usage_errors():
    with pytest.raises(TraceError, match="unknown trace format"):
        TraceReader(QUANTITIES, format="xml")
    with pytest.raises(TraceError, match="columns="):
        TraceReader(QUANTITIES, format="csv", columns=["E_total"])
    with pytest.raises(TraceError, match="did you mean 'E_total'"):
        TraceReader(QUANTITIES, columns=["e_total"])
    reader = TraceReader(QUANTITIES)
    reader.feed("E_total: 1\n")
    reader.finish()
    with pytest.raises(TraceError, match="after finish"):
        reader.feed("E_total: 2\n")


# -- memory --------------------------------------------------------------------------------------------------

# VmHWM: the peak of this process image. ru_maxrss would also count what the parent (a pytest worker,
# large or small depending on the tests it ran before) held before the exec.
PEAK = """
peak_mb = lambda: next(int(line.split()[1]) // 1024 for line in open("/proc/self/status")
                       if line.startswith("VmHWM:"))
"""


def test_reading_a_long_output_keeps_memory_flat():
    """20 MB of chatter and trace lines, fed in 64 kB chunks: the peak hardly grows once reading has begun."""
    script = PEAK + textwrap.dedent("""
        import sys
        from backprop_verify.verify.trace import TraceReader
        reader = TraceReader(["E_total"])
        chunk = ("chatter " * 120 + "\\n") * 60 + "E_total: 0.25\\n"
        reader.feed(chunk)
        before = peak_mb()
        for _ in range(20_000_000 // len(chunk)):
            reader.feed(chunk)
        trace = reader.finish()
        print(trace.records, trace.ignored_lines, peak_mb() - before)
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    records, ignored, growth_mb = map(int, out.stdout.split())
    assert records > 300 and ignored == 60 * records
    assert growth_mb < 8, f"the peak grew by {growth_mb} MB while reading 20 MB"  # kept, it would be 20
