"""Zero-trust policy decision service: HTTP API, tamper-evident audit trail, database, model registry,
dashboard.

Modules: ``settings`` (configuration from the environment), ``db`` + ``models`` + ``migrations`` (storage),
``audit`` (hash-chained append-only log), ``auth`` (API keys, roles, rate limits), ``registry`` (versioned
model store), ``api`` (the FastAPI app factory) and ``dashboard/`` (static UI served at ``/ui``).
"""
