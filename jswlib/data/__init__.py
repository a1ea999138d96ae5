"""Case-level data in: reading and validating an extract, and the synthetic demo data."""
