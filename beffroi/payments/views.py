"""The providers' notifications (webhooks): not a page anyone reads.

A notification is trusted for one thing only, the payment it names, once
the provider's plugin has authenticated it; the status is then read from
the provider. A forged one changes nothing and is journaled.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from beffroi.payments.base import ProviderError, WebhookIgnored, WebhookRefused
from beffroi.payments.registry import provider_get
from beffroi.payments.services import (
    PaymentNotFound,
    payment_notification_receive,
    payment_notification_refuse,
)


@csrf_exempt  # a provider's server posts here, without a session or a form of ours
@require_POST
def webhook(request: HttpRequest, provider_name: str) -> HttpResponse:
    provider = provider_get(provider_name)
    if provider is None:
        raise Http404
    try:
        reference = provider.webhook_reference(request)
    except WebhookRefused:
        payment_notification_refuse(provider_name=provider.name)
        return HttpResponse("refused", status=400, content_type="text/plain")
    except WebhookIgnored:
        return HttpResponse("ignored", content_type="text/plain")
    try:
        payment_notification_receive(provider_name=provider.name, reference=reference)
    except PaymentNotFound:
        return HttpResponse("unknown payment", status=404, content_type="text/plain")
    except ProviderError:
        # The provider retries; the reconciliation job reads it again anyway.
        return HttpResponse("provider unavailable", status=502, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
