"""Batch runs: scoring a corpus into a resumable run database."""
