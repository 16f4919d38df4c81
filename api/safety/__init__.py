"""GraphQL for safety: crisis signposting ("get help now")."""
