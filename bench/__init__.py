"""Benchmarks: scripts that load a lot of data and time pages through the real app."""
