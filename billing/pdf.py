"""The PDF of an invoice (reportlab): who and what, the lines, VAT, total, savings, registers
and a small chart of the month's daily consumption."""

import io
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncDay
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from billing.choices import InvoiceKind
from billing.models import Invoice
from core.timeslots import local_day_start, local_zone, next_month
from metering.models import HouseholdSlot

GREEN = colors.HexColor("#1b5e20")


def invoice_pdf(invoice: Invoice) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    title = "Credit note" if invoice.kind == InvoiceKind.CREDIT_NOTE else "Invoice"
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{title} {invoice.number}",
        author=invoice.supplier_name,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    story = [
        Paragraph(f"{invoice.supplier_name}", styles["Title"]),
        Paragraph(f"{title} <b>{invoice.number}</b>", styles["Heading2"]),
        Paragraph(
            f"{invoice.household_name}<br/>{invoice.household_address}<br/>"
            f"Period: {invoice.month:%B %Y} · Plan: {invoice.plan_id} · "
            f"Issued: {invoice.issued_at:%d %B %Y}"
            if invoice.issued_at
            else "",
            styles["Normal"],
        ),
    ]
    if invoice.credit_for_id:
        story.append(Paragraph(f"Cancels invoice {invoice.credit_for}", styles["Normal"]))
    if invoice.replaces_id:
        story.append(Paragraph(f"Replaces invoice {invoice.replaces}", styles["Normal"]))
    story += [Spacer(1, 6 * mm), _lines_table(invoice), Spacer(1, 6 * mm)]
    facts = [
        f"Energy drawn from the grid: {invoice.import_kwh:.3f} kWh"
        + (
            f" (of which {invoice.estimated_kwh:.3f} kWh estimated: data was missing)"
            if invoice.estimated_kwh
            else ""
        ),
        f"Energy fed into the grid: {invoice.export_kwh:.3f} kWh",
    ]
    if invoice.opening_register_kwh is not None:
        facts.append(
            f"Meter register: {invoice.opening_register_kwh} kWh at the start of the month, "
            f"{invoice.closing_register_kwh} kWh at its end"
        )
    if invoice.cost_without_solar is not None:
        facts.append(
            f"Without your solar panels and battery this would have cost "
            f"€{invoice.cost_without_solar}: "
            f"you saved €{invoice.cost_without_solar - invoice.total}."
        )
    if invoice.cheapest_plan_id and invoice.cost_under_cheapest is not None:
        facts.append(
            f"Under the cheapest plan ({invoice.cheapest_plan_id}) it would have cost "
            f"€{invoice.cost_under_cheapest}."
        )
    story += [Paragraph(fact, styles["Normal"]) for fact in facts]
    story += [
        Spacer(1, 6 * mm),
        Paragraph("Daily consumption (kWh)", styles["Heading4"]),
        _daily_chart(invoice),
    ]
    document.build(story)
    return buffer.getvalue()


def _lines_table(invoice: Invoice) -> Table:
    body = getSampleStyleSheet()["BodyText"]
    rows: list[list[object]] = [["Description", "Quantity", "Unit price", "VAT", "Amount (EUR)"]]
    rows += [
        [
            Paragraph(line.description, body),
            f"{line.quantity.normalize():f} {line.unit}",
            f"{line.unit_price.normalize():f}",
            f"{line.vat_rate * 100:.0f}%",
            f"{line.net_amount}",
        ]
        for line in invoice.lines.all()
    ]
    rows.append(["Total", "", "", "", f"{invoice.total}"])
    table = Table(rows, colWidths=[80 * mm, 28 * mm, 24 * mm, 14 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), GREEN),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _daily_chart(invoice: Invoice) -> Drawing:
    start, end = local_day_start(invoice.month), local_day_start(next_month(invoice.month))
    per_day = dict(
        HouseholdSlot.objects.filter(
            household_id=invoice.household_id, start__gte=start, start__lt=end
        )
        .annotate(day=TruncDay("start", tzinfo=local_zone()))
        .values("day")
        .annotate(used=Sum("consumption_kwh"))
        .values_list("day", "used")
    )
    days = sorted(per_day)
    values = [float(per_day[day] or Decimal(0)) for day in days] or [0.0]
    drawing = Drawing(170 * mm, 45 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 10 * mm, 6 * mm, 155 * mm, 35 * mm
    chart.data = [values]
    chart.categoryAxis.categoryNames = [f"{day:%d}" for day in days] or [""]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = GREEN
    drawing.add(chart)
    return drawing
