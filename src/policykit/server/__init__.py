"""The decision service: ``policykit serve``, an HTTP API over the same engine, with a
decision log (SQLite), API keys, health, metrics and an OpenAPI document built from the
project's own JSON Schemas.  Starlette for the application, uvicorn to serve it."""
