"""The GraphQL API (strawberry) served by FastAPI: `create_app` builds it."""
