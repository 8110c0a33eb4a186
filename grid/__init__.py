"""Grid operation: feeders, plants, balance and dispatch, EV and battery schedules, VPP."""
