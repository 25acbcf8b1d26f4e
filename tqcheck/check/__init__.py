"""The check pipeline: segments in, SegmentResults (signals, flags, risk) out."""
