"""Reference trainers for the Socratic-Zero trainer contract (SPEC §5)."""
