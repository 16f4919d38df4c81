"""GraphQL for data rights: consents, export and account deletion."""
