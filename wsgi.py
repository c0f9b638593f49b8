"""WSGI entry point: `app` for the web server, `celery` for `celery -A wsgi worker`."""
from portal import create_app

app = create_app()
celery = app.extensions["celery"]
