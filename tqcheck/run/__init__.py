"""A run's database: every SQL statement about it (rundb), what it returns (records), and the
rules of reviewing over it (decisions). Batch runs write it; review, output and evaluation
read it."""
