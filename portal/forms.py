"""The forms of the household pages: they parse what a member typed; the rules live in the
models, applied by the households services (their errors come back here, on the field)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

PERCENT = Decimal(100)


class VehiclePlanForm(forms.Form):
    usual_departure = forms.TimeField(
        label="Usual departure",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Local time, e.g. 07:30. Empty: no usual departure.",
    )
    usual_energy_need_kwh = forms.DecimalField(
        label="Energy usually needed by then (kWh)",
        required=False,
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        help_text="At most the car's battery. Empty: not known.",
    )


class BatteryPreferencesForm(forms.Form):
    reserve_percent = forms.DecimalField(
        label="Reserve kept for the home (%)",
        min_value=Decimal(0),
        max_digits=5,
        decimal_places=2,
        help_text="From 0 up to (not including) 100 %: the grid and the VPP never go below it.",
    )
    vpp_opt_in = forms.BooleanField(label="Take part in the virtual power plant", required=False)

    def clean_reserve_percent(self) -> Decimal:
        percent: Decimal = self.cleaned_data["reserve_percent"]
        if percent >= PERCENT:
            raise ValidationError("The reserve lies from 0 up to (not including) 100 %.")
        return percent

    @property
    def reserve_share(self) -> Decimal:
        """The reserve as the model keeps it: a fraction in [0, 1)."""
        return self.cleaned_data["reserve_percent"] / PERCENT


class FlexibleLoadConsentForm(forms.Form):
    curtailment_consent = forms.BooleanField(
        label="The grid may switch it off within these allowances", required=False
    )


# A model field's error shown on the form field that sets it; any other on the form.
FORM_FIELD_OF = {"reserve_share": "reserve_percent"}


def form_add_model_errors(form: forms.Form, error: ValidationError) -> None:
    """Puts a model's ValidationError (from a service's full_clean) on the form's fields."""
    errors: dict[str, Any] = error.message_dict if hasattr(error, "error_dict") else {}
    if not errors:
        form.add_error(None, error)
        return
    for field, messages in errors.items():
        name = FORM_FIELD_OF.get(field, field)
        form.add_error(name if name in form.fields else None, messages)


class ChargeSessionForm(forms.Form):
    """The car is plugged in: when it leaves and what it needs by then."""

    departure_at = forms.DateTimeField(
        label="Leaving at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="Local time.",
    )
    energy_needed_kwh = forms.DecimalField(
        label="Energy needed by then (kWh)", min_value=Decimal(0), max_digits=8, decimal_places=2
    )
