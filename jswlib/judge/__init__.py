"""What the figures mean: RAG, direction of travel, disclosure control and reconciliation of
published figures."""
