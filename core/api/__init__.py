"""The public REST API under ``/api/v1/`` (django-ninja) and its personal access tokens.

See docs/api.md. Plugins add their endpoints through the ``api_routers`` hook.
"""
