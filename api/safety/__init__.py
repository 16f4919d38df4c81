"""GraphQL for safety: crisis signposting ("get help now") and trusted information."""
