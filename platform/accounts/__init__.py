"""The accounts app (see README: map of the code)."""
