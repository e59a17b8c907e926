"""Pure rules of the funding service: no I/O."""
