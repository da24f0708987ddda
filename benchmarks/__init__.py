"""Benchmarks: measurements against generated schools, run by `make bench` (`python -m benchmarks`)."""
