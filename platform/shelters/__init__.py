"""The shelters app (see README: map of the code)."""
