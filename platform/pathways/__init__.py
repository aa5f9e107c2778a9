"""Pathways: the ways of working that run over weeks and cross organisations (issue 14) — the
return programme with IOM and its return plan, the shared case plan of a case, the minors' path."""
