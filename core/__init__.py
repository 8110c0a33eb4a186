"""Shared kernel: errors and their API shape, time slots, the base model, queue names.

No business rules live here.
"""
