"""Invoices and their lines, numbering, PDFs, the monthly run and the month's estimate."""
