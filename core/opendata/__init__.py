"""Open data: each organisation's catalogue of public datasets and their exports (docs/opendata.md)."""
