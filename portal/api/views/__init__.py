"""The /api/v1 routes, one module per resource; each route is declared with portal.api.spec.operation."""
