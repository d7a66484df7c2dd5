"""Benchmarks run by `survgraph bench ...` (never by the test suite, except tiny smoke runs)."""
