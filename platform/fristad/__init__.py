"""Fristad: the project package (settings, app factory, CLI, database, web plumbing, jobs)."""

import os

# Piccolo finds its configuration through this variable; ours lives in the package.
os.environ.setdefault("PICCOLO_CONF", "fristad.piccolo_conf")
