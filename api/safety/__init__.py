"""Safety: GraphQL types and fields."""
