"""Piccolo's configuration module (``PICCOLO_CONF=fristad.piccolo_conf``)."""

from piccolo.conf.apps import AppRegistry

from fristad.database import APPS, create_engine
from fristad.settings import get_settings

DB = create_engine(get_settings())

APP_REGISTRY = AppRegistry(apps=[f"{app}.piccolo_app" for app in APPS])
