"""Measuring tqcheck against human MQM judgments, and calibrating profiles on them."""
