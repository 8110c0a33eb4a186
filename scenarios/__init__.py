"""Acceptance scenarios, one per user story, run against the live platform (`make scenarios`)."""
