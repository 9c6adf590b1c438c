"""tariffsim.data."""
