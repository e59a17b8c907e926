"""Pure registry rules, no I/O: NIP parsing, the institution hierarchy, client scopes."""
