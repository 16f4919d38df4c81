"""No one waits alone: posts that need a reply, members who offer to listen, nudges."""
