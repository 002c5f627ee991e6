"""Backends that ship inside core (only the NumPy reference backend)."""
