"""Framework-free domain logic: plain data in, plain data out.

Nothing here imports Flask, SQLAlchemy or the rest of prizeapp, so that every rule can be tested and
benchmarked on its own (tests/core/test_core_is_pure.py checks it).
"""
