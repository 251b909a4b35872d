"""Benchmarks of the CSPL dashboard (not part of the test run; see README.md here)."""
