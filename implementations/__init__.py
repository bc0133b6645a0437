"""The programs under test: loop, vectorized and autograd in Python, the project's own Ruby and JavaScript
programs, and the original Neuron.rb.

``implementations.registry.REGISTRY`` lists them all; this package imports
only ``reference`` (for the spec and the names).
"""
