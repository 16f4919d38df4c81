"""Rate limits: how often a member may do each kind of write."""
