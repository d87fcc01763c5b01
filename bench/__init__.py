"""Benchmarks against bare Temporal: lateness, burst, intake, footprint (see docs/benchmarks.md)."""
