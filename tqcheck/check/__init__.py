"""The check protocol and what checks read: `Check` and `Need` (base), the `SegmentContext`
(context), the run's `CheckEnv` (environment), the options, the profile, the checklists
engine and the risk model. Built-in checks are in `tqcheck.checks`; the pipeline that runs
them is `tqcheck.pipeline`."""
