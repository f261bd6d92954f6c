"""Benchmarks: each module prints ``name: value unit`` lines (``make bench``)."""
