"""Reading what users give tqcheck: files, directories, stdin, in-memory text; plain text,
TSV and JSONL; sentence segmentation with offsets and pairing with a line-aligned source."""
