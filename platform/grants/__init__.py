"""The grants app (see README: map of the code)."""
