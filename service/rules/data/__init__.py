"""Data files for the rule engine: rules, merchant lists, wage rates, places."""
