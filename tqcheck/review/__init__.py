"""Reviewing a run: decisions on flagged segments, and the terminal app that records them."""
