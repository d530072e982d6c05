"""kefu 客服 — customer-service operations platform."""

__version__ = "0.1.0"
