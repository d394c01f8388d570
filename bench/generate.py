"""Generate a synthetic knowledge base of N facts for benchmarks.

    python bench/generate.py N DIR [--seed S] [--force]

The KB is in the real entry format (docs/entry-format.md) and valid under `kb validate
--strict`: every fact's quote is a sentence of its source's snapshot, which is written to
DIR/snapshots with the right sha256, and every source and subject is used. Output is
deterministic for a given N and seed. Files are written directly (no kb import), so 100k facts
take seconds, not minutes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = "2"  # bump whenever the output changes: bench/run.py regenerates its KBs

TOPICS = (
    "pharmacology",
    "mechanism",
    "regulation",
    "indications",
    "administration",
    "dosing",
    "efficacy",
    "research",
    "risks",
    "misuse",
    "history",
    "access",
    "alternatives",
    "experts",
    "public-figures",
)
SOURCE_KINDS = ("news", "news-repost", "blog", "aggregator", "content-farm", "reference", "journal")
RELIABILITY = ("high", "medium", "low", "very-low")
STATUSES = ("established", "contested", "refuted")
SUBJECT_KINDS = (
    "drug",
    "drug-class",
    "treatment",
    "condition",
    "study",
    "organisation",
    "person",
    "publication",
)


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Real names first (so queries such as "ketamine bladder damage" mean something), then
# syllable-made names that look like drugs, conditions, organisations and people.
SEED_DRUGS = ("Ketamine", "Esketamine", "Arketamine", "Psilocybin", "Lithium", "Sertraline")
SEED_CONDITIONS = ("Depression", "Chronic pain", "PTSD", "Anxiety", "Bipolar disorder")
SYLLABLES = words(
    "ba ce di fo gu ka le mi no pu ra se ti vo zu xa bre cly dro fen gal hex lor mar "
    "nep ox pra quin rel sul tor vex wyn zan"
)
DRUG_ENDINGS = ("amine", "azole", "oxetine", "olam", "idone", "afil", "ine", "ol", "ate", "etam")
CONDITION_WORDS = (
    "syndrome",
    "disorder",
    "neuropathy",
    "dystonia",
    "fatigue",
    "insomnia",
    "migraine",
)
FIRST_NAMES = words(
    "Ana Ben Chen Dara Eli Farah Gil Hana Ivan Jun Kai Lena Mateo Nia Omar Priya "
    "Quinn Rosa Sami Tomas Uma Vera Wen Yusuf Zoe"
)
LAST_NAMES = words(
    "Abbott Baker Castillo Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski "
    "Larsen Moreau Nakamura Okafor Petrov Quiroga Rossi Singh Tanaka Umarov Vargas "
    "Weber Yilmaz Zhou"
)
ORG_PARTS = ("Institute", "University Hospital", "Medical Center", "Agency", "Foundation")
ORG_PLACES = words(
    "Northfield Riverside Lakeshore Eastbrook Westhaven Kingsport Millbrook Ashford "
    "Brighton Carlisle Dunmore Elmwood"
)
ORGANS = ("bladder", "liver", "kidney", "heart", "bladder", "memory", "lung", "stomach")
SYMPTOMS = {
    "bladder": "painful and frequent urination",
    "liver": "raised liver enzymes",
    "kidney": "reduced kidney function",
    "heart": "a fast heartbeat and high blood pressure",
    "memory": "problems with short-term memory",
    "lung": "shortness of breath",
    "stomach": "stomach cramps and nausea",
}
RECEPTORS = ("NMDA", "AMPA", "serotonin 5-HT2A", "mu-opioid", "GABA-A", "dopamine D2", "sigma-1")
TRANSMITTERS = ("glutamate", "serotonin", "dopamine", "noradrenaline", "GABA")
ROUTES = (
    "an intravenous infusion",
    "a nasal spray",
    "an intramuscular injection",
    "a tablet",
    "a lozenge",
)
FREQUENCIES = ("twice a week", "once a week", "every other day", "once a month", "daily")
STREET_NAMES = ("special k", "blue star", "vitamin v", "dust", "snow cap", "kit kat", "zen")
ADVICE = (
    "screen patients for heart disease first",
    "monitor blood pressure during treatment",
    "avoid prescribing it to people with a history of addiction",
    "review patients every three months",
)


@dataclass(frozen=True)
class Subject:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Claim:
    """One claim: how a source words it (the quote) and how the KB words it (the statement)."""

    key: str
    quote: str
    statement: str
    topics: tuple[str, ...]
    tags: tuple[str, ...]
    attribute: tuple[str, str] | None = None


@dataclass
class SourcePlan:
    id: str
    number: int
    sentences: list[str] = field(default_factory=list)
    snapshot: str = ""
    sha256: str = ""


def kebab(text: str, limit: int = 60) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part)[:limit].strip("-")


def toml_str(text: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML)."""
    return json.dumps(text, ensure_ascii=False)


def toml_list(items: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(toml_str(i) for i in items) + "]"


# ---- subjects -----------------------------------------------------------------------------


def _made_name(rng: random.Random, endings: tuple[str, ...]) -> str:
    stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    return (stem + rng.choice(endings)).capitalize()


def make_subjects(rng: random.Random, count: int) -> list[Subject]:
    """About 60% drugs, 20% conditions, 10% treatments, 5% organisations, 5% people."""
    subjects: list[Subject] = []
    used: set[str] = set()  # every id, name and alias so far, case-folded: each names one subject

    def add(name: str, kind: str, aliases: tuple[str, ...] = ()) -> None:
        ident = kebab(name)
        own = {ident.casefold(), name.casefold()}
        if not ident or own & used:
            return
        kept = tuple(a for a in dict.fromkeys(aliases) if a.casefold() not in used | own)
        used.update(own, (a.casefold() for a in kept))
        subjects.append(Subject(ident, name, kind, kept))

    for name in SEED_DRUGS:
        add(name, "drug", (name[:4].upper() + "-1", name.lower() + " hydrochloride"))
    for name in SEED_CONDITIONS:
        add(name, "condition")
    makers: list[tuple[int, Callable[[], None]]] = [
        (60, lambda: _add_drug(rng, add)),
        (
            20,
            lambda: add(
                f"{_made_name(rng, ('ic', 'al', 'oid'))} {rng.choice(CONDITION_WORDS)}", "condition"
            ),
        ),
        (
            10,
            lambda: add(
                f"{_made_name(rng, DRUG_ENDINGS)} {rng.choice(('therapy', 'infusion'))}",
                "treatment",
            ),
        ),
        (5, lambda: add(f"{rng.choice(ORG_PLACES)} {rng.choice(ORG_PARTS)}", "organisation")),
        (5, lambda: add(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", "person")),
    ]
    weights = [w for w, _ in makers]
    attempts = 0
    while len(subjects) < count and attempts < count * 20:
        attempts += 1
        rng.choices(makers, weights)[0][1]()
    return subjects


def _add_drug(rng: random.Random, add: Callable[[str, str, tuple[str, ...]], None]) -> None:
    name = _made_name(rng, DRUG_ENDINGS)
    brand = _made_name(rng, ("ex", "ra", "vo", "is"))
    add(name, "drug", (brand, f"{name[:3].upper()}-{rng.randint(10, 99)}"))


# ---- claims -------------------------------------------------------------------------------


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _org(rng: random.Random) -> str:
    return f"{rng.choice(ORG_PLACES)} {rng.choice(ORG_PARTS)}"


def drug_claim(rng: random.Random, drug: str, cond: str) -> Claim:
    """A claim about a drug, from one of fifteen templates (a few mention the bladder)."""
    pick = rng.randrange(15)
    low = drug.lower()
    if pick == 0:
        organ = rng.choice(ORGANS)
        symptom = SYMPTOMS[organ]
        return Claim(
            f"{organ}-damage",
            f"Long-term use of {low} has been linked to {organ} damage, including {symptom}, "
            f"in people who take it frequently.",
            f"Frequent, long-term {low} use is associated with damage to the {organ} ({symptom}).",
            ("risks",),
            (organ, "long-term-use", "side-effects"),
            ("long-term-risk", f"{organ} damage"),
        )
    if pick == 1:
        n, pct, hours = rng.randint(20, 900), rng.randint(12, 85), rng.choice((2, 4, 24, 48, 72))
        return Claim(
            "response-rate",
            f"In a trial of {n} patients with {cond.lower()}, {pct} percent responded to {low} "
            f"within {hours} hours.",
            f"{pct}% of {n} trial patients with {cond.lower()} had a response to {low} in under "
            f"{hours} hours.",
            ("efficacy", "research"),
            ("trial", "response", kebab(cond, 40)),
            ("response-rate", f"{pct}%"),
        )
    if pick == 2:
        year = rng.randint(1962, 2024)
        agency = rng.choice(("FDA", "EMA", "MHRA", "TGA"))
        return Claim(
            "approval",
            f"The {agency} approved {low} for {cond.lower()} in {year}, after reviewing data from "
            f"{rng.randint(2, 9)} clinical trials.",
            f"{drug} received {agency} approval as a treatment for {cond.lower()} in {year}.",
            ("regulation",),
            (agency.lower(), "approval"),
            ("fda-approval-year", str(year)),
        )
    if pick == 3:
        dose = rng.choice(("0.1", "0.25", "0.5", "0.75", "1", "2"))
        freq = rng.choice(FREQUENCIES)
        return Claim(
            "dose",
            f"A typical dose of {low} is {dose} mg per kilogram of body weight, given {freq}.",
            f"{drug} is usually dosed at {dose} mg/kg, {freq}.",
            ("dosing",),
            ("dose", "mg-per-kg"),
            ("dose", f"{dose} mg/kg {freq}"),
        )
    if pick == 4:
        receptor, transmitter = rng.choice(RECEPTORS), rng.choice(TRANSMITTERS)
        return Claim(
            "mechanism",
            f"{drug} works by blocking {receptor} receptors in the brain, which in turn increases "
            f"the release of {transmitter}.",
            f"{drug} acts as a {receptor} receptor blocker, raising {transmitter} levels.",
            ("mechanism", "pharmacology"),
            (kebab(receptor, 40), kebab(transmitter), "receptor"),
            ("mechanism", f"{receptor} antagonist"),
        )
    if pick == 5:
        minutes, hours = rng.choice((5, 10, 15, 30, 45)), rng.choice((1, 2, 3, 6, 8))
        return Claim(
            "onset",
            f"The effects of {low} usually begin within {minutes} minutes and last for about "
            f"{hours} hours.",
            f"{drug} starts acting in roughly {minutes} min; its effects wear off after around "
            f"{hours} h.",
            ("pharmacology",),
            ("onset", "duration"),
            ("onset", f"{minutes} minutes"),
        )
    if pick == 6:
        year, org = rng.randint(1920, 2015), _org(rng)
        return Claim(
            "history",
            f"{drug} was first synthesised in {year} by a team of chemists working at the {org}.",
            f"Chemists at the {org} made {low} for the first time in {year}.",
            ("history",),
            ("synthesis", "origins"),
            ("year-developed", str(year)),
        )
    if pick == 7:
        street = rng.choice(STREET_NAMES)
        return Claim(
            "street-name",
            f"Recreational users sometimes take {low} at parties and festivals, where it is known "
            f"as {street}.",
            f"{drug} is used recreationally under the street name '{street}'.",
            ("misuse",),
            ("recreational-use", "street-name", "parties"),
        )
    if pick == 8:
        low_cost = rng.choice((200, 300, 400, 500))
        high_cost = low_cost + rng.choice((200, 400, 800))
        return Claim(
            "cost",
            f"A single session of {low} therapy can cost between {low_cost} and {high_cost} "
            f"dollars and is rarely covered by insurance.",
            f"Sessions of {low} therapy cost ${low_cost}–${high_cost} each; insurers seldom pay.",
            ("access",),
            ("cost", "insurance"),
            ("insurance-coverage", "rarely covered"),
        )
    if pick == 9:
        year, n = rng.randint(1995, 2025), rng.randint(3, 60)
        return Claim(
            "evidence",
            f"A {year} review of {n} studies found that the evidence for {low} in "
            f"{cond.lower()} remains limited and of low quality.",
            f"A review from {year} covering {n} studies judged the evidence on {low} for "
            f"{cond.lower()} weak.",
            ("research",),
            ("review", "evidence-quality"),
            ("evidence-strength", "limited"),
        )
    if pick == 10:
        route, minutes = rng.choice(ROUTES), rng.choice((30, 60, 90, 120))
        return Claim(
            "administration",
            f"{drug} is given as {route} in a clinic, and patients are monitored for {minutes} "
            f"minutes afterwards.",
            f"Clinics administer {low} as {route} and watch patients for {minutes} min after.",
            ("administration",),
            ("clinic", "monitoring"),
            ("route", route.split(" ", 1)[1]),
        )
    if pick == 11:
        person, org = _person(rng), _org(rng)
        return Claim(
            "expert-view",
            f"Dr. {person}, a psychiatrist at the {org}, said that {low} could help people with "
            f"{cond.lower()} who have not responded to other treatments.",
            f"{person} of the {org} thinks {low} may help patients whose {cond.lower()} resisted "
            f"other treatment.",
            ("experts",),
            ("expert-opinion", "treatment-resistant"),
        )
    if pick == 12:
        return Claim(
            "bladder-syndrome",
            f"Heavy users of {low} can develop {low} bladder syndrome, which causes bladder pain, "
            f"blood in the urine and an urgent need to urinate.",
            f"Chronic heavy {low} use may lead to {low} bladder syndrome (bladder pain, bloody "
            f"urine, urgency).",
            ("risks", "misuse"),
            ("bladder", "urinary-tract", "heavy-use"),
        )
    if pick == 13:
        alt = rng.choice(("electroconvulsive therapy", "psychotherapy", "lithium", "TMS"))
        return Claim(
            "alternative",
            f"{alt.capitalize()} is another option for {cond.lower()} when {low} is not suitable "
            f"or has not worked.",
            f"When {low} cannot be used or fails, {alt} is an alternative for {cond.lower()}.",
            ("alternatives",),
            (kebab(alt, 40), "alternative-treatment"),
        )
    return Claim(
        "off-label",
        f"Some doctors prescribe {low} off-label for {cond.lower()}, although it is not approved "
        f"for that use.",
        f"{drug} has off-label use in {cond.lower()} without approval for it.",
        ("indications",),
        ("off-label", kebab(cond, 40)),
    )


def other_claim(rng: random.Random, subject: Subject, drug: str) -> Claim:
    """A claim about a condition, treatment, organisation or person."""
    name, low = subject.name, drug.lower()
    if subject.kind == "condition":
        pct = rng.randint(1, 20)
        return Claim(
            "prevalence",
            f"{name} affects about {pct} percent of adults at some point in their lives, and many "
            f"are treated with {low}.",
            f"Around {pct}% of adults get {name.lower()} at some point; {low} is a common "
            f"treatment.",
            ("indications",),
            ("prevalence", "adults"),
        )
    if subject.kind == "treatment":
        minutes, freq = rng.choice((40, 60, 90)), rng.choice(FREQUENCIES)
        return Claim(
            "session",
            f"{name} sessions usually last {minutes} minutes and are repeated {freq} for the "
            f"first month.",
            f"In the first month, {name.lower()} is repeated {freq}, {minutes} minutes a session.",
            ("administration", "dosing"),
            ("session-length", "schedule"),
            ("treatment-schedule", freq),
        )
    if subject.kind == "organisation":
        year, advice = rng.randint(2000, 2025), rng.choice(ADVICE)
        return Claim(
            "guidance",
            f"In {year} the {name} issued guidance on {low}, advising doctors to {advice}.",
            f"Guidance from the {name} ({year}) tells doctors using {low} to {advice}.",
            ("regulation",),
            ("guidance", "prescribing"),
        )
    return Claim(
        "public-statement",
        f"In an interview, {name} said that {low} had helped with a difficult period, but warned "
        f"against taking it without a doctor.",
        f"{name} credited {low} with helping through a hard time while urging medical supervision.",
        ("public-figures", "experts"),
        ("interview", "personal-account"),
    )


FILLER = (
    "Share on Pinterest",
    "Read more about how we review medical content.",
    "This article is for information only and is not medical advice.",
    "Leave a Comment",
    "Related reading: what to expect from your first appointment.",
    "Sign up for our newsletter to get the latest health news.",
)


# ---- writing ------------------------------------------------------------------------------


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def kb_toml(n: int, seed: int) -> str:
    return (
        f'name = "synthetic-{n}"\n'
        f'description = "Synthetic benchmark KB: {n} facts, seed {seed}, generator '
        f'{GENERATOR_VERSION}."\n'
        'snapshots = "snapshots"\n'
        f"topics = {toml_list(TOPICS)}\n"
        f"source_kinds = {toml_list(SOURCE_KINDS)}\n"
        f"reliability_levels = {toml_list(RELIABILITY)}\n"
        f"statuses = {toml_list(STATUSES)}\n"
        f"subject_kinds = {toml_list(SUBJECT_KINDS)}\n"
    )


def subject_toml(subject: Subject) -> str:
    lines = [
        f"id = {toml_str(subject.id)}",
        f"name = {toml_str(subject.name)}",
        f"kind = {toml_str(subject.kind)}",
    ]
    if subject.aliases:
        lines.append(f"aliases = {toml_list(subject.aliases)}")
    lines.append(f"description = {toml_str(f'A synthetic {subject.kind} for benchmarks.')}")
    return "\n".join(lines) + "\n"


def source_toml(rng: random.Random, source: SourcePlan) -> str:
    kind = rng.choice(SOURCE_KINDS)
    reliability = rng.choice(RELIABILITY)
    publisher = f"{rng.choice(ORG_PLACES)} {rng.choice(('Health News', 'Daily', 'Review'))}"
    lines = [
        f"id = {toml_str(source.id)}",
        f'title = "Synthetic article number {source.number}"',
        f"publisher = {toml_str(publisher)}",
        f"authors = {toml_list([_person(rng)])}",
        f'url = "https://example.org/articles/{source.number}"',
        f"kind = {toml_str(kind)}",
        f"reliability = {toml_str(reliability)}",
        'reliability_note = "Generated for benchmarks; the rating is drawn at random."',
        f"retrieved = 2026-{1 + source.number % 12:02d}-{1 + source.number % 28:02d}",
        f"snapshot = {toml_str(source.snapshot)}",
        f"sha256 = {toml_str(source.sha256)}",
    ]
    return "\n".join(lines) + "\n"


@dataclass
class FactPlan:
    id: str
    subject: str
    claim: Claim
    sources: list[str]
    status: str = "established"
    related: list[str] = field(default_factory=list)


def fact_toml(fact: FactPlan, locators: dict[str, str]) -> str:
    claim = fact.claim
    lines = [
        f"id = {toml_str(fact.id)}",
        f"statement = {toml_str(claim.statement)}",
        f"subject = {toml_str(fact.subject)}",
        f"topics = {toml_list(claim.topics)}",
        f"tags = {toml_list(list(dict.fromkeys(claim.tags)))}",
    ]
    if claim.attribute:
        lines.append(f"attribute = {toml_str(claim.attribute[0])}")
        lines.append(f"value = {toml_str(claim.attribute[1])}")
    if fact.status != "established":
        lines.append(f"status = {toml_str(fact.status)}")
        lines.append(f"note = {toml_str('Other sources in this KB report this differently.')}")
    if fact.related:
        lines.append(f"related = {toml_list(fact.related)}")
    for source in fact.sources:
        lines += [
            "",
            "[[provenance]]",
            f"source = {toml_str(source)}",
            f"quote = {toml_str(claim.quote)}",
            f"locator = {toml_str(locators[source])}",
        ]
    return "\n".join(lines) + "\n"


def plan_facts(
    rng: random.Random, n: int, subjects: list[Subject], sources: list[SourcePlan]
) -> list[FactPlan]:
    drugs = [s for s in subjects if s.kind == "drug"]
    conditions = [s for s in subjects if s.kind == "condition"]
    facts: list[FactPlan] = []
    used_ids: set[str] = set()
    for index in range(n):
        # Every subject and every source is used at least once (no KB051/KB052 warnings).
        subject = subjects[index] if index < len(subjects) else _weighted_subject(rng, subjects)
        drug = subject.name if subject.kind == "drug" else rng.choice(drugs).name
        if subject.kind == "drug":
            claim = drug_claim(rng, drug, rng.choice(conditions).name)
        else:
            claim = other_claim(rng, subject, drug)
        first = sources[index] if index < len(sources) else rng.choice(sources)
        cited = [first.id]
        if rng.random() < 0.2:
            second = rng.choice(sources)
            if second.id != first.id:
                cited.append(second.id)
        fact_id = _unique_id(f"{subject.id}-{claim.key}", index, used_ids)
        fact = FactPlan(fact_id, subject.id, claim, cited)
        roll = rng.random()
        if facts and roll < 0.04:
            fact.status = "contested" if roll < 0.03 else "refuted"
            fact.related = [facts[rng.randrange(len(facts))].id]
        elif facts and roll < 0.12:
            fact.related = [facts[rng.randrange(len(facts))].id]
        facts.append(fact)
    return facts


def _weighted_subject(rng: random.Random, subjects: list[Subject]) -> Subject:
    subject = rng.choice(subjects)
    if subject.kind != "drug" and rng.random() < 0.5:
        subject = rng.choice(subjects)
    return subject


def _unique_id(base: str, index: int, used: set[str]) -> str:
    candidate = base[:70].strip("-")
    suffix = index
    while candidate in used:
        candidate = f"{base[:70].strip('-')}-{suffix:x}"
        suffix += 1
    used.add(candidate)
    return candidate


def generate(n: int, directory: Path, seed: int = 7) -> dict[str, int]:
    """Write a KB of n facts to directory (which must not exist or be empty)."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise SystemExit(f"generate: {directory} is not empty (use --force)")
    subjects = make_subjects(rng, max(12, n // 40))
    sources = [SourcePlan(f"synthetic-source-{i:05d}", i) for i in range(max(5, n // 200))]
    facts = plan_facts(rng, n, subjects, sources)
    by_id = {s.id: s for s in sources}
    locators: dict[str, dict[str, str]] = {}
    for fact in facts:
        locators[fact.id] = {}
        for source_id in fact.sources:
            plan = by_id[source_id]
            plan.sentences.append(fact.claim.quote)
            locators[fact.id][source_id] = f"paragraph {len(plan.sentences)}"
    for sub in ("snapshots", "sources", "subjects", "facts"):
        (directory / sub).mkdir()
    write(directory / "kb.toml", kb_toml(n, seed))
    for source in sources:
        body = [f"Synthetic article number {source.number}", ""]
        for i, sentence in enumerate(source.sentences):
            body.append(sentence)
            if i % 7 == 6:
                body.append(rng.choice(FILLER))
        data = ("\n\n".join(body) + "\n").encode("utf-8")
        source.snapshot = f"{source.number:05d}_{hashlib.sha1(data).hexdigest()[:16]}.txt"
        source.sha256 = hashlib.sha256(data).hexdigest()
        (directory / "snapshots" / source.snapshot).write_bytes(data)
        write(directory / "sources" / f"{source.id}.toml", source_toml(rng, source))
    for subject in subjects:
        write(directory / "subjects" / f"{subject.id}.toml", subject_toml(subject))
    for topic in TOPICS:
        (directory / "facts" / topic).mkdir()
    for fact in facts:
        folder = directory / "facts" / fact.claim.topics[0]
        write(folder / f"{fact.id}.toml", fact_toml(fact, locators[fact.id]))
    return {"facts": len(facts), "subjects": len(subjects), "sources": len(sources)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic KB for benchmarks.")
    parser.add_argument("n", type=int, help="number of facts")
    parser.add_argument("directory", type=Path, help="where to write the KB")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--force", action="store_true", help="replace DIRECTORY if it exists")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("n must be at least 1")
    if args.force and args.directory.exists():
        shutil.rmtree(args.directory)
    started = time.perf_counter()
    counts = generate(args.n, args.directory, args.seed)
    elapsed = time.perf_counter() - started
    print(
        f"generated {counts['facts']} facts, {counts['subjects']} subjects, "
        f"{counts['sources']} sources in {args.directory} ({elapsed:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
