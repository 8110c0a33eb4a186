"""Invoice lines carry what priced them: band, multiplier and period (the plan version was
already there). Lines issued before keep them empty: the ledger never changes."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0003_corrections'),
    ]

    operations = [
        migrations.AddField(
            model_name='invoiceline',
            name='band',
            field=models.CharField(blank=True, help_text='Rate band of an energy line.', max_length=40),
        ),
        migrations.AddField(
            model_name='invoiceline',
            name='multiplier',
            field=models.DecimalField(blank=True, decimal_places=4, help_text='Weekday multiplier of an energy line (1: none).', max_digits=8, null=True),
        ),
        migrations.AddField(
            model_name='invoiceline',
            name='period_from',
            field=models.DateField(blank=True, help_text='First local day priced.', null=True),
        ),
        migrations.AddField(
            model_name='invoiceline',
            name='period_to',
            field=models.DateField(blank=True, help_text='Last local day priced (included).', null=True),
        ),
    ]
