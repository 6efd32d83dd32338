"""The hostile-input fuzzing pass (benchmarks/fuzz_hostile.py): one module per category."""
