"""Inbound mail: parsing (parse.py), ingestion into tickets (ingest.py), the SMTP listener
(smtp.py). Outbound replies live in kefu/tickets/mailout.py."""
