"""backprop-verify: the step-by-step backpropagation example derived exactly, and any program verified against it.

One import package. Its parts are the repository's folders, each a layer that imports only those above it:
``backprop_verify.reference`` (the truth), ``backprop_verify.implementations`` (the programs under test),
``backprop_verify.verify`` (the harness and the command line) and ``backprop_verify.golden`` (the shipped
examples and their goldens).
"""
