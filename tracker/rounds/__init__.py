"""Assessment rounds and the compliance report (issue 21, docs/rounds.md)."""
