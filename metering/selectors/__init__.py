"""Reads of the metering domain, one module per subject."""
