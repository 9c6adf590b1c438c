"""tariffsim.jurisdictions.us."""
