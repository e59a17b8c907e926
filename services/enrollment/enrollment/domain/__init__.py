"""Pure enrollment rules, no I/O: the seat rule, and the vocabulary and rules of development."""
