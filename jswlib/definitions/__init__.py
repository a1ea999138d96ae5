"""Definitions: councils, periods, working days, params files, the data contract and the indicator
catalogue. Nothing here reads case-level data."""
