"""The matching app (see README: map of the code)."""
