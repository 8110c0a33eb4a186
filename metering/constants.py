from datetime import timedelta

# A sample may be at most this far in the future (clock skew of a meter).
MAX_FUTURE_SKEW = timedelta(minutes=5)
# How many conflicts an error reports; the batch is refused whatever their number.
CONFLICTS_REPORTED = 10
