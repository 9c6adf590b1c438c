"""tariffsim.models."""
