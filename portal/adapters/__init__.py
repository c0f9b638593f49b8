"""Outside capabilities (mail, SMS, WhatsApp, payments, e-sign) behind small interfaces."""
