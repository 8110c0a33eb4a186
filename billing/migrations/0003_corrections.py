"""Corrections: a credited invoice can be replaced by a new one. At most one live invoice per
household and month replaces the one-per-(household, month, kind) key."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0002_immutability_triggers'),
        ('households', '0002_notification'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='invoice',
            name='billing_invoice_one_per_household_month_kind',
        ),
        migrations.AddField(
            model_name='invoice',
            name='replaces',
            field=models.OneToOneField(blank=True, help_text='The credited invoice this corrected invoice replaces.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replaced_by', to='billing.invoice'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='credit_for',
            field=models.ForeignKey(blank=True, help_text='The invoice this credit note cancels.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_notes', to='billing.invoice'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'invoice'), ('replaces__isnull', True)), fields=('household', 'month'), name='billing_invoice_one_first_per_household_month', violation_error_message='The household already has an invoice for the month.'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.UniqueConstraint(fields=('credit_for',), name='billing_invoice_one_credit_note_per_invoice', violation_error_message='The invoice already has a credit note.'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('credit_for__isnull', False), ('kind', 'credit_note'), ('replaces__isnull', True)), models.Q(('credit_for__isnull', True), ('kind', 'invoice')), _connector='OR'), name='billing_invoice_links_match_kind', violation_error_message='A credit note cancels one invoice; only an invoice replaces another.'),
        ),
    ]
