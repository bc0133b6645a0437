"""The Ruby mutants: small text edits of implementations/ruby/backprop.rb, written to a folder at test time.

The broken variants of tests/test_ruby_bridge.py that diverge (rather than
fail to run) are taken as they are, each given the cause the diagnosis should
name; the ones defined here add mistakes that file does not make.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from implementations.ruby_bridge import SCRIPT
from reference import mistakes as m

from ..test_ruby_bridge import MUTANTS as BROKEN_VARIANTS


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


# The diverging variants of test_ruby_bridge.py: the cause of each, and the category the diagnosis should find.
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
