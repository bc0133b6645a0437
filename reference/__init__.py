"""The reference: the worked example derived again with SymPy, and the golden files it writes."""
