"""tariffsim.duties."""
