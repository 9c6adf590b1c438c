"""tariffsim.jurisdictions."""
