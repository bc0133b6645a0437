"""``backprop-verify list``: the registered programs and the shipped examples, with what each supports."""

from __future__ import annotations

import argparse

from ...implementations.registry import REGISTRY
from ...reference import examples
from ...reference.spec import load
from .common import Commands

EXAMPLE = """examples:
  backprop-verify list                       # then: backprop-verify check NAME, or --spec EXAMPLE"""


def add_parser(commands: Commands) -> None:
    parser = commands.add_parser("list", help="the programs and the shipped examples",
                                 description=__doc__.split(": ", 1)[1], epilog=EXAMPLE,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    specs = {name: load(examples.spec_path(name)) for name in examples.names()}
    print("examples (use with --spec NAME):")
    for name, spec in specs.items():
        shape = "-".join(map(str, spec.layers))
        print(f"  {name:<24} {shape:<10} {spec.iterations:>6,} iterations  {spec.name}")
    print("programs (use with check NAME):")
    for name, program in REGISTRY.items():
        runs = [example for example, spec in specs.items() if program.supports(spec) is None]
        print(f"  {name:<12} {program.language:<7} {program.description}")
        print(f"  {'':<12} {'':<7} runs: {', '.join(runs) if runs else 'none of the shipped examples'}")
    return 0
