"""tariffsim.negotiation."""
