"""tariffsim — US tariff law of 2025–26 as code, duties and effective tariff rates on real trade,
partial- and general-equilibrium models, and multi-issue trade-negotiation analysis.

Rates are fractions (0.24) in code and JSON; percent only in human-facing text.
Date intervals are half-open ``[start, end)``: ``end`` is the first day a rule no longer applies.
"""

__version__ = "0.1.0"
