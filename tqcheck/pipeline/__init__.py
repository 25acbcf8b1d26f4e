"""The check pipeline: segments in, SegmentResults out. The model passes fill each segment's
context, the registry says which checks run, the suppression rules settle their overlaps,
and the risk model weighs what is left."""
