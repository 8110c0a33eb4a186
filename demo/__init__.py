"""The PowerDale demo world: its suppliers, town, people and first readings.

It composes every app (it sits on top, like portal); no app imports it.
"""
