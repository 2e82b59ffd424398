"""The WSGI entry point: gunicorn wsgi:app."""
import gc

from app import create_app

app = create_app()
# Everything made while loading the app lives as long as the process: move it out of the garbage collector's way,
# so a full collection scans only what requests made (shorter, rarer pauses on big pages).
gc.freeze()
