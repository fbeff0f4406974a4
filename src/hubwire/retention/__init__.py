"""Retention: each app declares in its own `retention.py` which rows it keeps and for how long
(registry.py); one prune pass deletes what has expired, in bounded batches (prune.py), hourly from
beat (tasks.py) or by hand (`hubwire prune --dry-run`)."""
