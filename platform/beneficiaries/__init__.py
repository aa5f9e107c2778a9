"""The beneficiaries app (see README: map of the code)."""
