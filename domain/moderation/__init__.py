"""Blocking, personal topic filters, reports and circle moderation."""
