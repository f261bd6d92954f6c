"""Worldline (Direct / Online Payments), on its official SDK
(onlinepayments-sdk-python3), through Hosted Checkout.

A payment is a hosted checkout (its id is the reference); the payer's card
or Bancontact payment is created inside it and captured at once (``SALE``).
Notifications are signed (``X-GCS-Signature`` under the key named by
``X-GCS-KeyId``) and checked by the SDK's webhooks helper; only the hosted
checkout's id is taken from them, its status is then fetched.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.http import HttpRequest
from onlinepayments.sdk.api_exception import ApiException
from onlinepayments.sdk.call_context import CallContext
from onlinepayments.sdk.communication.communication_exception import CommunicationException
from onlinepayments.sdk.communication.request_header import RequestHeader
from onlinepayments.sdk.communication.response_exception import ResponseException
from onlinepayments.sdk.communicator_configuration import CommunicatorConfiguration
from onlinepayments.sdk.domain.amount_of_money import AmountOfMoney
from onlinepayments.sdk.domain.card_payment_method_specific_input_base import (
    CardPaymentMethodSpecificInputBase,
)
from onlinepayments.sdk.domain.create_hosted_checkout_request import CreateHostedCheckoutRequest
from onlinepayments.sdk.domain.feedbacks import Feedbacks
from onlinepayments.sdk.domain.hosted_checkout_specific_input import HostedCheckoutSpecificInput
from onlinepayments.sdk.domain.order import Order
from onlinepayments.sdk.domain.order_references import OrderReferences
from onlinepayments.sdk.domain.payment_product_filter import PaymentProductFilter
from onlinepayments.sdk.domain.payment_product_filters_hosted_checkout import (
    PaymentProductFiltersHostedCheckout,
)
from onlinepayments.sdk.domain.refund_request import RefundRequest
from onlinepayments.sdk.factory import Factory
from onlinepayments.sdk.json.default_marshaller import DefaultMarshaller
from onlinepayments.sdk.json.marshaller_syntax_exception import MarshallerSyntaxException
from onlinepayments.sdk.merchant.i_merchant_client import IMerchantClient
from onlinepayments.sdk.reference_exception import ReferenceException
from onlinepayments.sdk.webhooks.api_version_mismatch_exception import (
    ApiVersionMismatchException,
)
from onlinepayments.sdk.webhooks.secret_key_not_available_exception import (
    SecretKeyNotAvailableException,
)
from onlinepayments.sdk.webhooks.secret_key_store import SecretKeyStore
from onlinepayments.sdk.webhooks.signature_validation_exception import (
    SignatureValidationException,
)
from onlinepayments.sdk.webhooks.webhooks_helper import WebhooksHelper

from beffroi.payments import base
from beffroi.payments.registry import provider_register

logger = logging.getLogger(__name__)

# The hosted checkout's own status, before (or without) a payment.
CHECKOUT_STATUSES = {
    "IN_PROGRESS": base.OPEN,
    "CANCELLED_BY_CONSUMER": base.CANCELLED,
    "CLIENT_NOT_ELIGIBLE_FOR_SELECTED_PAYMENT_PRODUCT": base.FAILED,
}
# The payment's status once created. Refunded ones were paid: Beffroi keeps
# its refunds itself. Anything else is still on its way.
PAYMENT_STATUSES = {
    "CAPTURED": base.PAID,
    "CAPTURE_REQUESTED": base.PAID,
    "REFUND_REQUESTED": base.PAID,
    "REFUNDED": base.PAID,
    "CANCELLED": base.CANCELLED,
    "REJECTED": base.FAILED,
    "REJECTED_CAPTURE": base.FAILED,
}
# ValueError: a configuration the SDK refuses (an endpoint with a path…).
SDK_ERRORS = (
    ApiException,
    CommunicationException,
    ResponseException,
    MarshallerSyntaxException,
    ValueError,
)
WEBHOOK_ERRORS = (
    SignatureValidationException,
    ApiVersionMismatchException,
    MarshallerSyntaxException,
)


def provider_error(error: Exception, what: str) -> base.ProviderError:
    logger.warning("Worldline %s failed: %s", what, error)
    if isinstance(error, CommunicationException):  # not reached, or no answer in time
        return base.provider_unreachable()
    if isinstance(error, ReferenceException):
        return base.provider_unknown_payment()
    return base.provider_failed()


class SettingsKeyStore(SecretKeyStore):  # type: ignore[misc]  # the SDK ships no types
    """The webhooks' one key, from the settings (``WORLDLINE_WEBHOOK_*``) or the municipality's."""

    def get_secret_key(self, key_id: str) -> str:
        # The current municipality's key (the notification came on its host).
        secret = str(base.provider_setting("WORLDLINE_WEBHOOK_SECRET"))
        if not secret or key_id != base.provider_setting("WORLDLINE_WEBHOOK_KEY_ID"):
            raise SecretKeyNotAvailableException(key_id, "unknown webhooks key id")
        return secret


def euros(amount: Decimal) -> AmountOfMoney:
    money = AmountOfMoney()
    money.amount = base.cents(amount)
    money.currency_code = "EUR"
    return money


def checkout_request(request: base.PaymentRequest) -> CreateHostedCheckoutRequest:
    order = Order()
    order.amount_of_money = euros(request.amount)
    order.references = OrderReferences()
    order.references.merchant_reference = request.idempotency_key.hex[:30]
    order.references.descriptor = request.description[:256]
    products = PaymentProductFilter()
    products.products = list(settings.WORLDLINE_PAYMENT_PRODUCTS)  # 3012: Bancontact
    hosted = HostedCheckoutSpecificInput()
    hosted.return_url = request.return_url
    hosted.locale = "fr_BE"
    hosted.payment_product_filters = PaymentProductFiltersHostedCheckout()
    hosted.payment_product_filters.restrict_to = products
    card = CardPaymentMethodSpecificInputBase()
    card.authorization_mode = "SALE"  # captured at once: nothing left to capture by hand
    feedbacks = Feedbacks()
    feedbacks.webhooks_urls = [request.webhook_url]
    body = CreateHostedCheckoutRequest()
    body.order = order
    body.hosted_checkout_specific_input = hosted
    body.card_payment_method_specific_input = card
    body.feedbacks = feedbacks
    return body


class WorldlineProvider(base.PaymentProvider):
    name = "worldline"
    label = "Worldline"

    @contextmanager
    def merchant(self) -> Iterator[IMerchantClient]:
        configuration = CommunicatorConfiguration(
            api_endpoint=settings.WORLDLINE_API_ENDPOINT,
            api_key_id=base.provider_setting("WORLDLINE_API_KEY_ID"),
            secret_api_key=base.provider_setting("WORLDLINE_API_SECRET"),
            authorization_type="v1HMAC",
            connect_timeout=settings.PAYMENT_PROVIDER_TIMEOUT,
            socket_timeout=settings.PAYMENT_PROVIDER_TIMEOUT,
            max_connections=CommunicatorConfiguration.DEFAULT_MAX_CONNECTIONS,
            integrator="Beffroi",
        )
        with Factory.create_client_from_configuration(configuration) as client:
            yield client.merchant(base.provider_setting("WORLDLINE_MERCHANT_ID"))

    def start(self, request: base.PaymentRequest) -> base.Checkout:
        context = CallContext(idempotence_key=str(request.idempotency_key))
        try:
            with self.merchant() as merchant:
                created = merchant.hosted_checkout().create_hosted_checkout(
                    checkout_request(request), context
                )
        except SDK_ERRORS as error:
            raise provider_error(error, "create hosted checkout") from error
        return base.Checkout(
            reference=str(created.hosted_checkout_id), url=str(created.redirect_url or "")
        )

    def hosted_checkout(self, merchant: IMerchantClient, reference: str) -> Any:
        return merchant.hosted_checkout().get_hosted_checkout(reference)

    def fetch_status(self, reference: str) -> str:
        try:
            with self.merchant() as merchant:
                checkout = self.hosted_checkout(merchant, reference)
        except ReferenceException as error:
            # Worldline forgets a hosted checkout left unpaid once its session
            # times out; Beffroi only asks for the ones it opened.
            logger.info("Worldline hosted checkout %s is gone: %s", reference, error)
            return base.EXPIRED
        except SDK_ERRORS as error:
            raise provider_error(error, "get hosted checkout") from error
        output = checkout.created_payment_output
        if checkout.status != "PAYMENT_CREATED" or output is None or output.payment is None:
            return CHECKOUT_STATUSES.get(str(checkout.status), base.OPEN)
        return PAYMENT_STATUSES.get(str(output.payment.status), base.OPEN)

    def refund(self, reference: str, *, amount: Decimal, reason: str) -> str:
        body = RefundRequest()
        body.amount_of_money = euros(amount)
        context = CallContext(idempotence_key=str(uuid.uuid4()))
        try:
            with self.merchant() as merchant:
                output = self.hosted_checkout(merchant, reference).created_payment_output
                if output is None or output.payment is None:
                    raise base.provider_unknown_payment()
                refund = merchant.payments().refund_payment(output.payment.id, body, context)
        except SDK_ERRORS as error:
            raise provider_error(error, "refund") from error
        return str(refund.id)

    def webhook_reference(self, request: HttpRequest) -> str:
        helper = WebhooksHelper(DefaultMarshaller.instance(), SettingsKeyStore())
        headers = [RequestHeader(name, value) for name, value in request.headers.items()]
        try:
            event = helper.unmarshal(request.body, headers)
        except WEBHOOK_ERRORS as error:
            raise base.WebhookRefused from error
        payment = event.payment
        output = payment.hosted_checkout_specific_output if payment is not None else None
        if output is None or not output.hosted_checkout_id:
            # Signed, but not a hosted checkout's payment (a refund's progress…).
            raise base.WebhookIgnored
        return str(output.hosted_checkout_id)


provider_register(WorldlineProvider())

REQUIRED = (
    "WORLDLINE_API_ENDPOINT",
    "WORLDLINE_MERCHANT_ID",
    "WORLDLINE_API_KEY_ID",
    "WORLDLINE_API_SECRET",
    "WORLDLINE_WEBHOOK_KEY_ID",
    "WORLDLINE_WEBHOOK_SECRET",
)


@register(Tags.security, deploy=True)
def worldline_settings_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    return base.missing_settings_errors("worldline", REQUIRED, "beffroi.E033")
