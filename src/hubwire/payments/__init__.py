"""Online invoice payments: "Pay now" opens a Stripe Checkout Session on the business's connected
account; Stripe's events (and, when they are late, the payer's return) settle the invoice once."""
