"""Stripe, as the sandbox plays it (providers.md §1): the API at api.stripe.com (accounts, account
links, Checkout Sessions, PaymentIntents) with Stripe's error envelope, Idempotency-Key replay and
the test-mode rate limit; Connect OAuth and hosted onboarding at connect.stripe.com; the hosted
payment page at checkout.stripe.com; a small dashboard; and signed events sent to the platform."""

from hubwire.sandbox.stripe import api, control, onboarding, pages  # noqa: F401  (they register routes and hooks)
