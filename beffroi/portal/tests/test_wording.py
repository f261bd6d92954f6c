"""The portal speaks one French (docs/style-guide.md): « adresse e-mail », sizes
as « 10 Mo », the municipality with its article, « facultatif » said once."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.contrib.messages import get_messages
from django.test import Client

from beffroi.catalogue.loader import SHIPPED_DIR
from beffroi.core.templatetags.beffroi_format import file_size
from beffroi.testing.personas import PASSWORD
from beffroi.testing.procedures import FilingTestCase


def _labels(html: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", "", label).split())
        for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
    ]


class WordingTests(FilingTestCase):
    def test_the_account_pages_ask_for_an_adresse_e_mail(self) -> None:
        for path in ("/compte/login/", "/compte/signup/", "/compte/password/reset/"):
            with self.subTest(path=path):
                html = Client().get(path).content.decode()
                assert "Adresse e-mail" in _labels(html)
                assert "ourriel" not in html

    def test_a_login_says_hello_in_plain_french(self) -> None:
        response = self.client.post(
            "/compte/login/", {"login": self.citizen.email, "password": PASSWORD}
        )
        said = [str(message) for message in get_messages(response.wsgi_request)]
        assert said == ["Bonjour Marie, la connexion a réussi."]

    def test_optional_is_said_once(self) -> None:
        self.client.force_login(self.citizen)
        html = self.client.get("/mon-compte/profil/modifier/").content.decode()
        assert "Boîte (facultatif)" in _labels(html)
        assert "Facultatif" not in html

    def test_sizes_read_the_french_way(self) -> None:
        assert file_size(10 * 1024 * 1024) == "10 Mo"
        assert file_size(1536 * 1024) == "1,5 Mo"
        assert file_size(250 * 1024) == "250 Ko"
        draft = self.start()
        html = self.client.get(self.page_url(draft, "demande")).content.decode()
        assert "Formats acceptés : PDF, PNG ; 1 Mo au plus." in html
        assert "Mio" not in html


def test_no_file_question_repeats_the_rules_the_form_states() -> None:
    """The form says a file question's formats, size and number itself."""
    repeated = []
    for path in sorted(Path(SHIPPED_DIR).rglob("*.yaml")):
        text = yaml.safe_load(path.read_text(encoding="utf-8"))
        stack = [text]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if node.get("type") == "file" and re.search(
                    r"\b(PDF|JPEG|PNG|HEIC)\b|\bMo\b|fichiers? au plus", str(node.get("help", ""))
                ):
                    repeated.append(f"{path.name}: {node.get('id')}")
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    assert not repeated, repeated
