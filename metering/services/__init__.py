"""Writes of the metering domain."""
