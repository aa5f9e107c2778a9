"""Figures: the dashboards, charts and exports the network and Länsstyrelsen report, with
small-cell suppression (issue 15). Named figures: ``statistics`` is a standard module."""
