"""Payments: UPI link and reports, confirmation, receipts, the gateway and its webhook."""
