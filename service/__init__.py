"""dpaudit service: the FastAPI app, the ORM, the domain logic and the CLI."""
