"""Suggesting where an item goes, learned from how the mail office routed before.

A multinomial naive Bayes over binary features: the folded, stemmed French
words of the subject (also marked as subject words) and of the text, the
sender (the contact itself, their email domain, an organisation's name)
and, for the service, the document type. Counts live in the database
(``RoutingClass``, ``RoutingFeature``) and grow at every routing, so the
suggestions follow the city's habits without any training step or heavy
dependency. The model starts from a few typical letters of each shipped
document type (``reference.TYPE_EXAMPLES``); with too little history
nonetheless, the document type's default service is suggested instead.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from beffroi.core.tenancy import current_municipality_id
from beffroi.core.text import search_terms
from beffroi.mail.models import MailItem, RoutingClass, RoutingFeature

# Below this many routed items the model knows too little: defaults rule.
MIN_DOCUMENTS = 30
# Words read from a long text (an OCR'd report can have thousands).
MAX_TEXT_WORDS = 600
# Laplace smoothing.
ALPHA = 0.1
# Naive Bayes counts every word as independent evidence, which makes its
# probabilities absurdly sure of themselves; scaling the evidence down to
# about this many features gives a confidence an agent can read.
EVIDENCE_WORDS = 5.0

SERVICE = RoutingClass.Kind.SERVICE
DOCUMENT_TYPE = RoutingClass.Kind.DOCUMENT_TYPE


def features_for(
    *,
    subject: str,
    text: str = "",
    sender_id: int | None = None,
    sender_email: str = "",
    sender_name: str = "",
    sender_is_organisation: bool = False,
) -> list[str]:
    """The features of a letter, from plain values (also used by the benchmark)."""
    subject_words = {word for word in search_terms(subject) if _useful(word)}
    features = {f"s:{word}" for word in subject_words}
    features |= subject_words
    features |= {word for word in search_terms(text)[:MAX_TEXT_WORDS] if _useful(word)}
    if sender_id is not None:
        features.add(f"c:{sender_id}")
    if "@" in sender_email:
        features.add("@" + sender_email.rsplit("@", 1)[1].lower())
    if sender_is_organisation and sender_name:
        features |= {f"o:{word}" for word in search_terms(sender_name) if _useful(word)}
    return sorted(feature[:100] for feature in features)


def _useful(word: str) -> bool:
    return len(word) >= 3 and not word.isdigit()


def item_features(item: MailItem) -> list[str]:
    sender = item.sender
    return features_for(
        subject=item.subject,
        text=f"{item.text}\n{item.ocr_text}",
        sender_id=sender.pk if sender else None,
        sender_email=sender.email if sender else "",
        sender_name=sender.name if sender else "",
        sender_is_organisation=bool(sender and sender.kind == sender.Kind.ORGANISATION),
    )


def _with_type(features: Sequence[str], type_id: int | None) -> list[str]:
    return [*features, f"t:{type_id}"] if type_id else list(features)


def routing_learn(
    *, features: Sequence[str], service_id: int | None, type_id: int | None, weight: int = 1
) -> None:
    """Count one routed item (``weight=-1`` forgets one); runs in the caller's transaction."""
    if service_id:
        _count(SERVICE, service_id, _with_type(features, type_id), weight)
    if type_id:
        _count(DOCUMENT_TYPE, type_id, features, weight)


def _count(kind: str, target_id: int, features: Sequence[str], weight: int) -> None:
    features = sorted(set(features))
    class_table = RoutingClass._meta.db_table
    feature_table = RoutingFeature._meta.db_table
    # Each municipality's model counts its own routings (the ORM cannot add
    # to a count on conflict, hence the SQL, which names the municipality).
    municipality_id = current_municipality_id()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {class_table} "  # noqa: S608
            "(municipality_id, kind, target_id, documents, features) "
            "VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (municipality_id, kind, target_id) DO UPDATE SET "
            f"documents = {class_table}.documents + excluded.documents, "
            f"features = {class_table}.features + excluded.features",
            [municipality_id, kind, target_id, weight, weight * len(features)],
        )
        cursor.executemany(
            f"INSERT INTO {feature_table} "  # noqa: S608
            "(municipality_id, kind, target_id, feature, count) "
            "VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (municipality_id, kind, feature, target_id) DO UPDATE SET "
            f"count = {feature_table}.count + excluded.count",
            [(municipality_id, kind, target_id, feature, weight) for feature in features],
        )
    cache.delete(_vocabulary_key(kind))


def _vocabulary_key(kind: str) -> str:
    return f"mail:routing:vocabulary:{kind}"


def _vocabulary(kind: str) -> int:
    size = cache.get(_vocabulary_key(kind))
    if size is None:
        size = RoutingFeature.objects.filter(kind=kind, count__gt=0).count()
        cache.set(_vocabulary_key(kind), size, timeout=600)
    return max(int(size), 1)


def routing_predict(*, kind: str, features: Sequence[str]) -> list[tuple[int, float]]:
    """Classes with their probability, most likely first; empty when too little is known."""
    classes = {
        target: (documents, total)
        for target, documents, total in RoutingClass.objects.filter(
            kind=kind, documents__gt=0
        ).values_list("target_id", "documents", "features")
    }
    seen = sum(documents for documents, _ in classes.values())
    if seen < MIN_DOCUMENTS or not features:
        return []
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for target, feature, count in RoutingFeature.objects.filter(
        kind=kind, feature__in=list(features)
    ).values_list("target_id", "feature", "count"):
        counts[target][feature] = max(count, 0)
    vocabulary = _vocabulary(kind)
    scale = min(1.0, EVIDENCE_WORDS / len(features))
    scores: dict[int, float] = {}
    for target, (documents, total) in classes.items():
        denominator = math.log(max(total, 0) + ALPHA * vocabulary)
        known = counts.get(target, {})
        likelihood = sum(math.log(known.get(feature, 0) + ALPHA) for feature in features)
        likelihood -= len(features) * denominator
        scores[target] = math.log(documents / seen) + scale * likelihood
    best = max(scores.values())
    weights = {target: math.exp(score - best) for target, score in scores.items()}
    norm = sum(weights.values())
    return sorted(
        ((target, weight / norm) for target, weight in weights.items()),
        key=lambda pair: -pair[1],
    )


@dataclass(frozen=True)
class Suggestion:
    service_id: int | None
    service_confidence: float
    type_id: int | None
    type_confidence: float
    # "learned" from past routing, or the document type's "default".
    source: str

    @property
    def service_percent(self) -> int:
        return round(self.service_confidence * 100)

    @property
    def type_percent(self) -> int:
        return round(self.type_confidence * 100)


def routing_suggest(
    *, features: Sequence[str], type_id: int | None = None, default_service_id: int | None = None
) -> Suggestion | None:
    """Where to route: the learned guess, else the document type's default service.

    ``type_id`` is the type the clerk chose, if any; otherwise the model
    guesses the type too, and the service guess uses it.
    """
    type_confidence = 1.0 if type_id else 0.0
    if type_id is None:
        types = routing_predict(kind=DOCUMENT_TYPE, features=features)
        if types:
            type_id, type_confidence = types[0]
    services = routing_predict(kind=SERVICE, features=_with_type(features, type_id))
    if services:
        service_id, confidence = services[0]
        return Suggestion(service_id, confidence, type_id, type_confidence, "learned")
    if default_service_id:
        return Suggestion(default_service_id, 0.0, type_id, type_confidence, "default")
    return None


def routing_has_learned() -> bool:
    """Whether the model has counted any routing (real or a shipped example)."""
    return RoutingClass.objects.filter(kind=DOCUMENT_TYPE, documents__gt=0).exists()


def routing_forget_all() -> None:
    """Start learning again from nothing (an operator's reset of the current
    municipality's model)."""
    RoutingFeature.objects.all().delete()
    RoutingClass.objects.all().delete()
    for kind in (SERVICE, DOCUMENT_TYPE):
        cache.delete(_vocabulary_key(kind))
