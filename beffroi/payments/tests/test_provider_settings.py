"""``check --deploy`` says when PAYMENT_PROVIDER names no provider."""

from __future__ import annotations

from django.core.checks import run_checks
from django.test import SimpleTestCase, override_settings


class ProviderSettingTests(SimpleTestCase):
    @override_settings(PAYMENT_PROVIDER="molie")
    def test_a_mistyped_provider_fails_the_deploy_check(self) -> None:
        errors = [e for e in run_checks(include_deployment_checks=True) if e.id == "beffroi.E030"]
        assert len(errors) == 1
        assert "demo, mollie, stripe" in str(errors[0].hint)

    def test_each_shipped_provider_passes_it(self) -> None:
        for name in ("demo", "mollie", "stripe", "worldline"):
            with override_settings(PAYMENT_PROVIDER=name):
                ids = {e.id for e in run_checks(include_deployment_checks=True)}
            assert "beffroi.E030" not in ids
