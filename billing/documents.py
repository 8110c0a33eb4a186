"""Invoice PDFs: rendered once per issued invoice, stored with their SHA-256, never rewritten."""

import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from billing.choices import InvoiceState
from billing.exceptions import InvoiceStateError
from billing.models import Invoice, InvoiceDocument
from billing.pdf import invoice_pdf


def invoice_document_get_or_render(*, invoice: Invoice) -> InvoiceDocument:
    existing = InvoiceDocument.objects.filter(invoice=invoice).first()
    if existing is not None:
        return existing
    if invoice.state == InvoiceState.DRAFT:
        raise InvoiceStateError("A draft has no PDF.")
    content = invoice_pdf(invoice)
    document = InvoiceDocument(invoice=invoice, sha256=hashlib.sha256(content).hexdigest())
    document.pdf.save(f"{invoice.number}.pdf", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:  # rendered by someone else meanwhile: theirs stands
        document.pdf.delete(save=False)
        return InvoiceDocument.objects.get(invoice=invoice)
    return document
