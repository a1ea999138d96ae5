"""Figures out: the indicator engine and the cache of its results."""
