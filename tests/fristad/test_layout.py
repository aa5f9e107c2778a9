"""The source layout: platform/ is a source root, never a package shadowing the stdlib."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

from piccolo.conf.apps import Finder

from fristad.app import APPS
from fristad.database import REPO_ROOT


def test_platform_folder_is_not_a_package() -> None:
    assert not (REPO_ROOT / "platform" / "__init__.py").exists()


def test_standard_library_platform_is_not_shadowed() -> None:
    assert Path(platform.__file__).parent != REPO_ROOT
    assert platform.system() in {"Linux", "Darwin", "Windows"}
    # The same from a fresh interpreter with our source root first on the path.
    code = "import platform, sys; print(platform.system()); print(platform.__file__)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO_ROOT / "platform")},
    )
    system, module_file = result.stdout.split()
    assert system == platform.system()
    assert "/platform/" not in module_file.replace(str(Path(sys.prefix)), "")


def test_every_app_is_registered_with_its_migrations_folder() -> None:
    registry = Finder().get_app_registry()
    names = [app.name for app in APPS]
    assert set(names) <= set(registry.app_configs)
    for app in names:
        config = registry.get_app_config(app)
        assert Path(config.resolved_migrations_folder_path) == REPO_ROOT / "migrations" / app
        assert Path(config.resolved_migrations_folder_path).is_dir()
