from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted(
        (_relative_luminance(first), _relative_luminance(second)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def validate_brand_colour(value: str) -> None:
    """A brand colour must carry white text at WCAG AA contrast (4.5:1)."""
    if not HEX_COLOUR.match(value):
        raise ValidationError(_("Indiquez une couleur au format #RRVVBB, par exemple #1d4f91."))
    ratio = contrast_ratio(value, "#ffffff")
    if ratio < 4.5:
        raise ValidationError(
            _(
                "Cette couleur est trop claire : le texte blanc n'y serait pas lisible "
                "(contraste %(ratio).1f:1, il faut au moins 4,5:1). Choisissez une teinte plus foncée."
            )
            % {"ratio": ratio}
        )


# A DNS host name: labels of letters, digits and inner hyphens, at least two.
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def validate_host(value: str) -> None:
    """A host a municipality's portal answers on: a plain DNS name, no scheme,
    port or path (``eguichet.antoing.be``)."""
    labels = value.split(".")
    if len(value) > 253 or len(labels) < 2 or not all(HOST_LABEL.match(label) for label in labels):
        raise ValidationError(
            _(
                "« %(host)s » n'est pas un nom d'hôte valable : indiquez un nom comme "
                "eguichet.antoing.be, sans http://, port ni chemin."
            ),
            params={"host": value},
            code="invalid_host",
        )
