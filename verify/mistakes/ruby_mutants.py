"""The Ruby mutants: small text edits of implementations/ruby/backprop.rb, written to a folder at test time.

BROKEN_VARIANTS are broken copies of the program: some diverge, some fail to
run or print a broken trace. The ones that diverge become RUBY_MUTANTS, each
given the category the diagnosis should name, with a few more mistakes added.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...implementations.registry import HERE
from . import variants as m

SCRIPT = HERE / "ruby" / "backprop.rb"

# Each variant: (text in backprop.rb, its replacement), then the expected status and where it must show.
BROKEN_VARIANTS = {
    "dE/dout sign flipped": ([("(out_o1 - t1)", "(t1 - out_o1)"), ("(out_o2 - t2)", "(t2 - out_o2)")],
                             "failed", (0, "dE_dw1")),
    "sigmoid derivative dropped": ([("  out * (1.0 - out)\n", "  1.0\n")], "failed", (0, "dE_dw1")),
    "hidden layer through the updated w5..w8": (
        [("delta_o1 * w5 + delta_o2 * w7", "delta_o1 * new_w5 + delta_o2 * new_w7"),
         ("delta_o1 * w6 + delta_o2 * w8", "delta_o1 * new_w6 + delta_o2 * new_w8")], "failed", (0, "dE_dw1")),
    "learning rate added": ([("w5 - rate * grad_w5", "w5 + rate * grad_w5")], "failed", (0, "w5_new")),
    "one iteration too many": ([('example.fetch("iterations").times', '(example.fetch("iterations") + 1).times')],
                               "errored", "too-many"),
    "a value not a number": ([('"af_E_w3:#{grad_w3}"', '"af_E_w3:#{grad_w3}x"')], "errored", "not-a-number"),
    "crash": ([("puts trace", 'raise "weights went missing"')], "errored", "exit-status"),
}


@dataclass(frozen=True)
class RubyMutant:
    name: str
    edits: list[tuple[str, str]]  # (text in backprop.rb, its replacement), every occurrence
    cause: str
    category: str
    kind: str = "logic"

    def write(self, folder: Path) -> Path:
        """The edited program in ``folder``; AssertionError if an edit no longer applies to backprop.rb."""
        text = SCRIPT.read_text(encoding="utf-8")
        for old, new in self.edits:
            assert old in text, f"{self.name}: backprop.rb no longer contains {old!r}: update the mutant"
            text = text.replace(old, new)
        path = folder / f"{self.name.replace(' ', '_').replace('/', '_')}.rb"
        path.write_text(text, encoding="utf-8")
        return path


# The diverging variants: the cause of each, and the category the diagnosis should find.
CAUSES = {
    "dE/dout sign flipped": ("dE/dout was written target - out", m.SIGN),
    "sigmoid derivative dropped": ("slope() returns 1 instead of out * (1 - out)", m.NO_SLOPE),
    "hidden layer through the updated w5..w8": ("the hidden layer's gradients used new_w5..new_w8",
                                                m.UPDATED_WEIGHTS),
    "learning rate added": ("w5 was moved up its gradient (+ rate * grad)", m.LEARNING_RATE),
}

RUBY_MUTANTS: dict[str, RubyMutant] = {
    name: RubyMutant(name, edits, *CAUSES[name])
    for name, (edits, status, _) in BROKEN_VARIANTS.items() if status == "failed"
}
RUBY_MUTANTS["hidden derivative from outputs"] = RubyMutant(
    "hidden derivative from outputs", [("slope(out_h1)", "slope(out_o1)"), ("slope(out_h2)", "slope(out_o2)")],
    "the hidden layer's slope was taken of out_o1, out_o2", m.HIDDEN_SLOPE)
