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
