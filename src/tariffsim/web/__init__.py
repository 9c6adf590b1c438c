"""tariffsim.web."""
