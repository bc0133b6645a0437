"""The Ruby mutants: small text edits of implementations/ruby/backprop.rb, written to a folder at test time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from implementations.ruby_bridge import SCRIPT
from reference import mistakes as m


@dataclass(frozen=True)
class RubyMutant:
    name: str
    edits: tuple[tuple[str, str, int], ...]  # (regular expression, replacement, how many places it must change)
    cause: str
    category: str
    kind: str = "logic"

    def write(self, folder: Path) -> Path:
        """The edited program in ``folder``; AssertionError if an edit no longer applies to backprop.rb."""
        text = SCRIPT.read_text(encoding="utf-8")
        for pattern, replacement, count in self.edits:
            text, changed = re.subn(pattern, replacement, text)
            assert changed == count, f"{self.name}: {pattern!r} changed {changed} places of {SCRIPT.name}, not {count}"
        path = folder / f"{self.name.replace(' ', '_')}.rb"
        path.write_text(text, encoding="utf-8")
        return path


RUBY_MUTANTS: dict[str, RubyMutant] = {mutant.name: mutant for mutant in [
    RubyMutant("flipped sign", ((r"\(out_(o\d) - (t\d)\)", r"(\2 - out_\1)", 2),),
               "dE/dout was written target - out", m.SIGN),
    RubyMutant("updated weights backward", ((r"(delta_o\d) \* (w[5-8])\b", r"\1 * new_\2", 4),),
               "the hidden layer's gradients used new_w5..new_w8", m.UPDATED_WEIGHTS),
    RubyMutant("hidden derivative from outputs", ((r"slope\(out_h(\d)\)", r"slope(out_o\1)", 4),),
               "the hidden layer's slope was taken of out_o1, out_o2", m.HIDDEN_SLOPE),
    RubyMutant("learning rate added", ((r"= (w\d) - rate \*", r"= \1 + rate *", 8),),
               "each weight was moved up its gradient (+ rate * grad)", m.LEARNING_RATE),
]}
