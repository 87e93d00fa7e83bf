"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi run`."""
from prizeapp import create_app

app = create_app()
