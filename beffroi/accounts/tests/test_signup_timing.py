"""Sign-up does the same work whether the address has an account or not, so
its timing does not tell who has one: the password is hashed either way."""

from __future__ import annotations

from unittest import mock

from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail

from beffroi.accounts.models import User
from beffroi.testing.personas import PersonaTestCase


def _signup(client, email: str) -> int:
    """Sign up with ``email``; the number of passwords hashed meanwhile."""
    with mock.patch.object(
        MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode
    ) as encode:
        response = client.post(
            "/compte/signup/",
            {
                "email": email,
                "first_name": "Anne",
                "last_name": "Leclercq",
                "password1": "un-mot-de-passe-solide",
                "password2": "un-mot-de-passe-solide",
            },
        )
    assert response.status_code == 302
    return encode.call_count


class SignupTimingTests(PersonaTestCase):
    def test_a_known_address_costs_the_same_hashing_as_a_new_one(self) -> None:
        new = _signup(self.client_class(), "nouvelle@example.org")
        known = _signup(self.client_class(), self.citizen.email)
        assert new == known == 1
        # Each address got one e-mail, and no account was made for the known one.
        assert sorted(m.to[0] for m in mail.outbox) == [self.citizen.email, "nouvelle@example.org"]
        assert User.objects.filter(email=self.citizen.email).count() == 1
