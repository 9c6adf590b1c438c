"""Shared vocabulary: errors, dates and intervals, HS codes, country codes."""
