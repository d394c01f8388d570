"""`kb sources`, `kb subjects`, `kb tags`: what the facts rest on and are about, with counts,
and one source or subject in full. Plain data for the renderers (kb.render.catalogue)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from kb.core.errors import UnknownIdError
from kb.entries.loading import KnowledgeBase
from kb.entries.models import Fact
from kb.entries.reliability import ranks
from kb.entries.serialize import source_dict, subject_dict

Record = dict[str, Any]


def _citing(kb: KnowledgeBase) -> Counter[str]:
    return Counter(source for fact in kb.facts.values() for source in fact.sources)


def sources(kb: KnowledgeBase) -> list[Record]:
    """Every source, most reliable first (kb.toml's order), then by id: its id, title,
    publisher, kind, reliability and how many facts cite it."""
    rank = ranks(kb.settings.reliability_levels)
    citing = _citing(kb)
    listed = sorted(kb.sources.values(), key=lambda s: (rank.get(s.reliability, len(rank)), s.id))
    return [
        {
            "id": s.id,
            "title": s.title,
            "publisher": s.publisher,
            "kind": s.kind,
            "reliability": s.reliability,
            "facts": citing[s.id],
        }
        for s in listed
    ]


def subjects(kb: KnowledgeBase) -> list[Record]:
    """Every subject, by id: its id, name, kind, aliases and how many facts are about it."""
    about = Counter(fact.subject for fact in kb.facts.values())
    return [
        {
            "id": s.id,
            "name": s.name,
            "kind": s.kind,
            "aliases": list(s.aliases),
            "facts": about[s.id],
        }
        for s in sorted(kb.subjects.values(), key=lambda s: s.id)
    ]


def tags(kb: KnowledgeBase) -> list[Record]:
    """Every tag with how many facts carry it, most used first, then by name."""
    counts = Counter(tag for fact in kb.facts.values() for tag in dict.fromkeys(fact.tags))
    return [{"tag": t, "facts": n} for t, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]


def _summary(kb: KnowledgeBase, fact: Fact) -> Record:
    """A fact in a listing: id, statement, status and reliability (best, weakly sourced)."""
    view = kb.fact_view(fact)
    keys = ("id", "statement", "status", "best_reliability", "weakly_sourced")
    return {key: view[key] for key in keys}


COMMAND = {"fact": "kb show", "source": "kb sources", "subject": "kb subjects"}


def other_kind(kb: KnowledgeBase, name: str, besides: str) -> str | None:
    """What else a name is (`fact`, `source` or `subject`, by id; a subject also by name or
    alias), when it is not a `besides`."""
    if besides != "fact" and kb.fact_path(name) is not None:
        return "fact"
    if besides != "source" and name in kb.sources:
        return "source"
    if besides != "subject" and kb.resolve_subject(name) is not None:
        return "subject"
    return None


def other_kind_hint(kb: KnowledgeBase, name: str, besides: str) -> str:
    """`: it is a subject (kb subjects NAME)`, or "" when the name is nothing else."""
    kind = other_kind(kb, name, besides)
    return f": it is a {kind} ({COMMAND[kind]} {name})" if kind else ""


def _unknown(kb: KnowledgeBase, kind: str, missing: list[str], known: Any) -> UnknownIdError:
    """Unknown names: close matches, or what they are instead."""
    from kb.core.suggest import close_matches, hint

    error = UnknownIdError(kind, missing, {m: close_matches(m, known) for m in missing})
    parts = []
    for name in missing:
        instead = other_kind_hint(kb, name, kind)
        suggested = "" if instead else hint(error.suggestions[name])
        parts.append(f"unknown {kind} {name!r}{instead or suggested}")
    error.message = "; ".join(parts)
    error.args = (error.message,)
    return error


def source_details(kb: KnowledgeBase, ids: Sequence[str]) -> list[Record]:
    """Sources in full (every field of the entry), with the facts citing them: `facts` (how
    many) and `fact_ids`. Unknown ids raise UnknownIdError with close matches."""
    missing = [i for i in ids if i not in kb.sources]
    if missing:
        raise _unknown(kb, "source", missing, list(kb.sources))
    details = []
    for source_id in dict.fromkeys(ids):
        record = source_dict(kb.sources[source_id])
        citing = sorted(f.id for f in kb.facts.values() if source_id in f.sources)
        record.update(facts=len(citing), fact_ids=citing)
        details.append(record)
    return details


def subject_details(kb: KnowledgeBase, names: Sequence[str]) -> list[Record]:
    """Subjects (by id, name or alias) in full, with their facts by topic (kb.toml's order;
    a fact with several topics is under each): `facts` (how many) and `topics`: {topic:
    [fact summaries]}. Unknown names raise UnknownIdError with close matches."""
    found = {name: kb.resolve_subject(name) for name in names}
    missing = [name for name, subject in found.items() if subject is None]
    if missing:
        known = {n: s.id for s in kb.subjects.values() for n in s.names}
        raise _unknown(kb, "subject", missing, known)
    details = []
    for subject_id in dict.fromkeys(s.id for s in found.values() if s is not None):
        record = subject_dict(kb.subjects[subject_id])
        about = sorted(
            (f for f in kb.facts.values() if f.subject == subject_id), key=lambda f: f.id
        )
        order = {topic: number for number, topic in enumerate(kb.settings.topics)}
        topics: dict[str, list[Record]] = {}
        for topic in sorted(
            {t for f in about for t in f.topics}, key=lambda t: (order.get(t, len(order)), t)
        ):
            topics[topic] = [_summary(kb, f) for f in about if topic in f.topics]
        record.update(facts=len(about), topics=topics)
        details.append(record)
    return details
