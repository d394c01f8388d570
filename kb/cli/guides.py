"""Guides `kb help TOPIC` prints: what an installed kb (which has no docs folder) can tell about
itself. The search guide is also docs/search.md's quick reference (a generated block: run
`uv run python -m tools.docgen` after changing it). Limits and weights come from the code that
applies them, so the guide cannot drift from it."""

from __future__ import annotations

from collections.abc import Callable


def search_guide() -> str:
    from kb.index.fields import USER_FIELDS
    from kb.search import limits
    from kb.search.query import COMMON
    from kb.search.spelling import KEYWORDS
    from kb.search.thesaurus import FILLER_WEIGHT, RELATED_WEIGHT, SAME_WEIGHT

    fields = " ".join(f"{name}:" for name in USER_FIELDS)
    return f"""\
kb search: the query language (more in docs/search.md of kb's sources)

WORDS AND QUESTIONS
  bladder damage        facts with any of the words, ranked; facts with all of them first
                        (a word in {COMMON:.0%} of the facts or more, such as "ketamine" in
                        a KB about ketamine, only adds to the ranking)
  how fast does ketamine work?
                        questions work: question words and filler (how, does, what, my,
                        not, ...) weigh {FILLER_WEIGHT:g} of a word and are not required, and
                        the KB's thesaurus adds what a question's words mean; a ? that
                        ends the query is a question mark, not a wildcard
  Words match without regard to case or accents (cafe finds café), by stem (damaging
  finds damage). Numbers are words: 5, 4.5, 1962, 26%, 100,000. Chinese, Japanese and
  Korean text is split into characters: a word is found inside a sentence.

PHRASES, OPERATORS, PATTERNS
  "nasal spray"         the words in a row (by stem: also "nasal sprays")
  a AND b   a OR b      both / either
  a NOT b   a ANDNOT b  a, without every fact that contains b
  (a OR b) AND c        grouping
  medicat*   bla?der    wildcards, compared with the words as written (* any letters,
                        ? one); each word they match is searched as if typed
  esketamin~   spravto~2
                        fuzzy: words within 1 (or 2) edits (two letters swapped are
                        one), with the same first letter
  ketamine^3 bladder    weigh a word (or a group) more
  Operators are upper case: lower-case and, or, not are words.

FIELDS
  {fields}
  subject:esketamine bladder
                        a field term narrows (esketamine facts only), plain words rank
  subject:spravato      subject: matches the subject's id, name or any alias
  tag:"nasal spray"     a quoted tag, topic, status or attribute is the whole keyword
                        (the tag nasal-spray)
  quote:"bladder damage"
                        statement:, value:, quote: look in that part of the fact only
  Text containing a colon that is not a field (a URL, a time) must be quoted.

FILTERS
  --subject --topic --tag --source --status (repeatable): restrict, never reorder; when
  they leave nothing, kb says how many facts match without them.

TYPOS
  A word in no fact is replaced by the closest word of the facts (1 edit, 2 for words of
  5 letters or more; same first letter; the word in most facts on a tie), every time it
  occurs: when the query found nothing, or when it is at most {KEYWORDS} keywords whose
  corrected words go together in a fact. Otherwise kb names the words no fact contains.

THESAURUS (kb.toml, checked by kb validate)
  [[thesaurus]]
  words = ["cost", "price", "expensive"]   mean the same here: a query with one also
                                           looks for the others (weighing {SAME_WEIGHT:g})
  also = ["insurance", "coverage"]         looked for too, one way (weighing {RELATED_WEIGHT:g})
  Matched as stems, in order, stop words included ("side effect" matches "side effects").
  A fact scores by the best of the words of one meaning, not their sum.

LIMITS (a usage error, exit 2)
  *, ?, *:* alone        would match every fact: use kb list
  *mine, ?etamine        leading wildcards
  k*, k?t                fewer than {limits.MIN_LITERAL} letters before a wildcard
  word~3 and more        edit distance above {limits.MAX_FUZZY}
  a wildcard or fuzzy term standing for more than {limits.MAX_EXPANSIONS} words
  more than {limits.MAX_CHARS} characters or {limits.MAX_TERMS} terms
  parentheses nested more than {limits.MAX_DEPTH} deep
  only NOT ..., only stop words (the, of), subject: with no value, an unknown field

EXIT CODES
  0 facts found, 1 none (a correction that found nothing is suggested), 2 a bad query,
  unknown field or filter value, or an unsupported format.
"""


GUIDES: dict[str, tuple[str, Callable[[], str]]] = {
    "search": (
        "the query language: words, questions, operators, fields, typos, limits",
        search_guide,
    ),
}
