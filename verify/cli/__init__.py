"""The command line: ``backprop-verify`` and its subcommands, one module each.

Every subcommand follows one exit-code table (verify/status.py): 0 passed,
1 failed, 2 errored (bad input: one line on standard error saying what is
wrong and how to fix it), 3 skipped.
"""
