"""The grid operator's reads."""
