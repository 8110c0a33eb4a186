from django.db import models


class InvoiceState(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    PAID = "paid", "Paid"
    VOID = "void", "Void"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class InvoiceLineKind(models.TextChoices):
    ENERGY = "energy", "Energy"
    FEED_IN = "feed_in", "Feed-in credit"
    STANDING = "standing", "Standing charge"
    CAPACITY = "capacity", "Capacity charge"
    VAT = "vat", "VAT"
