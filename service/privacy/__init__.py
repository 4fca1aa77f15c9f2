"""Personal data: a person's export (subject access), retention, and erasure."""
