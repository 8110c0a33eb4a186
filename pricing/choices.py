from django.db import models


class Weekday(models.IntegerChoices):
    """ISO-like weekdays counted from 0, as Python's ``date.weekday()`` does."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class LineKind(models.TextChoices):
    ENERGY = "energy", "Energy"
    FEED_IN = "feed_in", "Feed-in credit"
    STANDING = "standing", "Standing charge"
    CAPACITY = "capacity", "Capacity charge"
