"""Benchmarks: each prints its figures and a ratio to a reference measured in the same run."""
