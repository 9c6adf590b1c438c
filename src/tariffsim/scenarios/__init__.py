"""tariffsim.scenarios."""
