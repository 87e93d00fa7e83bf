"""Regression tests of security findings: each fails on the code before its fix."""
