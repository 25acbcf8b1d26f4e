"""Everything tqcheck writes for people and programs: check results as text/JSON/JSONL/TSV,
run exports, corrected files and the HTML report."""
