"""The journal's key comes from the environment: without it nothing is
sealed nor verified, and production's deploy check says so."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import TestCase, override_settings

from beffroi.audit.models import AuditEvent
from beffroi.audit.services import audit_event_record, journal_seal
from beffroi.audit.tests.journal import roots_folder, verify


class JournalKeyTests(TestCase):
    def setUp(self) -> None:
        roots_folder(self)
        audit_event_record(actor=None, action="test.event", target=("test.thing", 1))

    @override_settings(JOURNAL_KEY="")
    def test_nothing_is_sealed_without_the_key(self) -> None:
        with pytest.raises(ImproperlyConfigured):
            journal_seal()
        assert AuditEvent.objects.filter(hash__isnull=True).count() == 1

    @override_settings(JOURNAL_KEY="")
    def test_audit_verify_says_the_key_is_missing(self) -> None:
        assert "FAILED JOURNAL_KEY n'est pas défini" in verify()

    @override_settings(JOURNAL_KEY="")
    def test_the_deploy_check_refuses_a_missing_key(self) -> None:
        errors = run_checks(include_deployment_checks=True)
        assert "beffroi.E010" in {error.id for error in errors}

    def test_the_deploy_check_accepts_a_key(self) -> None:
        errors = run_checks(include_deployment_checks=True)
        assert "beffroi.E010" not in {error.id for error in errors}

    def test_another_key_does_not_verify_the_chain(self) -> None:
        journal_seal()
        assert "Journal intègre" in verify()
        with override_settings(JOURNAL_KEY="another-installation-key"):
            assert "empreinte invalide" in verify()
