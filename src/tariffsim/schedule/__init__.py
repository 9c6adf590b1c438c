"""tariffsim.schedule."""
