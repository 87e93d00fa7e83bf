"""Blueprints: each view parses input, loads (or 404s), checks access, calls one service, commits, redirects."""
