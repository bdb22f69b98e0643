"""Webhooks: signed notifications to a site's own endpoints when its consent log changes.

* `models`: endpoints (per site, with the events they want), events (an outbox) and deliveries.
* `signing`: the signature scheme (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
  `webhook-signature: v1,<base64 HMAC-SHA256>`), documented in docs/API.md for receivers.
* `events`: the events, made from the consent records themselves (the log is the outbox: nothing is
  added to a consent POST) and from the jobs that purge records or import a GVL.
* `delivery`: sending, retries with exponential backoff for up to a day, disabling an endpoint after
  repeated failure.

A Celery beat task (`consent.tasks.dispatch_webhooks`, every CMP_WEBHOOK_DISPATCH_SECONDS) runs
`dispatch()`, which turns new records into events and sends what is due. Recording a consent never
waits for a delivery and never fails because of one.
"""
