"""One catalogue of mistakes: variants of the training graph (variants), the diagnosis that matches a trace
against them (diagnose), and the mutation suite's deliberately wrong programs (mutants, ruby_mutants)."""
