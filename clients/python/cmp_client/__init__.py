"""Client for the consent-management platform's downstream API (docs/API.md): a visitor's current
consent, the check and the batch check, the changes feed, and the verification of webhook
deliveries (Standard Webhooks signatures)."""

from cmp_client.client import ApiError, CheckAnswer, ConsentClient, FeedPage, Question
from cmp_client.webhooks import SignatureError, verify_webhook

__all__ = [
    "ApiError",
    "CheckAnswer",
    "ConsentClient",
    "FeedPage",
    "Question",
    "SignatureError",
    "verify_webhook",
]
