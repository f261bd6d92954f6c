"""The demo loaded once per test class; each test in Tournai's scope, its
client on Tournai's host, as `make demo` serves it."""

from __future__ import annotations

from django.test import Client, TestCase

from beffroi.core.tenancy import municipality_scope
from beffroi.demo.loading import ANTOING, TOURNAI, load_demo
from beffroi.municipality.models import Municipality


class DemoTestCase(TestCase):
    tournai: int
    antoing: int

    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()
        ids = dict(Municipality.objects.values_list("slug", "pk"))
        cls.tournai, cls.antoing = ids[TOURNAI], ids[ANTOING]

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(municipality_scope(self.tournai))
        self.client = Client(HTTP_HOST="127.0.0.1:8000")
