"""Service kit: the plumbing every together service shares, and none of their business rules."""
