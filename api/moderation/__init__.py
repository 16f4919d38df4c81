"""GraphQL for blocking, topic filters, reports and circle moderation."""
