"""meaning:name: names in the text that neither the source nor a translation of it has, and
names of the source the text drops.

Compared only where the source writes names in the text's script (a Chinese source's names
are transliterated, and no rule can check a transliteration), on the evidence that depends
least on the models: the source itself, then the pseudo-reference when there is one.
"""

from __future__ import annotations

from collections.abc import Iterable

from tqcheck.check.base import Check, Need, register
from tqcheck.check.context import SegmentContext
from tqcheck.text.align import WordPool, words
from tqcheck.text.lexicon import scripts
from tqcheck.text.names import names, script_of
from tqcheck.types import Flag

NAME = "meaning:name"


@register
class Names(Check):
    name = NAME
    needs = frozenset({Need.SOURCE})
    category = "Accuracy/Mistranslation"
    severity = "Major"
    description = "a name changed against the source, or a source name dropped"

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        ref = ctx.source_pass.pseudo_reference if ctx.source_pass is not None else None
        return name_flags(ctx.text, ctx.given_source(), ctx.lang, ctx.src_lang or "", ref,
                          self.env.profile.spans.same_word_ratio)


# Beyond this many names in one segment (a list, a hostile line), names are looked up
# exactly only: the spelling-variant comparison is the costly part.
MAX_FUZZY_NAMES = 200


def name_flags(text: str, source: str, lang: str, src_lang: str,
               pseudo_reference: str | None, ratio: float) -> list[Flag]:
    """Names in the text that neither the source nor a translation of it has, and names of the
    source the text drops.

    Compared only where the source writes names in the text's script (a Chinese source's
    names are transliterated, and no rule can check a transliteration). A text name that the
    source lacks while a source name is missing from the text is a changed name (Major; with
    only the source to go by, Minor: the name may be translated, "Allemagne" -> "Germany").
    A source name missing from the text that the pseudo-reference keeps is an omission."""
    t_names = names(text, lang)
    s_names = [n for n in names(source, src_lang) if script_of(n.text) in scripts(lang)]
    if not s_names and not any(script_of(n.text) in scripts(src_lang) for n in t_names):
        return []
    fuzzy = len(t_names) + len(s_names) <= MAX_FUZZY_NAMES
    in_source = WordPool([w.text for w in words(source)], ratio)
    in_text = WordPool([w.text for w in words(text)], ratio)
    in_ref = WordPool([w.text for w in words(pseudo_reference)] if pseudo_reference is not None
                      else [], ratio)
    missing = [n for n in s_names if not in_text.has(n.text, fuzzy)]
    flags: list[Flag] = []
    changed = False
    shown = list(dict.fromkeys(m.text for m in missing))
    instead = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
    for n in t_names:
        if not missing or in_source.has(n.text, fuzzy) or in_ref.has(n.text, fuzzy):
            continue
        changed = True
        flags.append(Flag(n.start, n.end, "Accuracy/Mistranslation",
                          "Major" if pseudo_reference is not None else "Minor",
                          f"name {n.text!r} is not in the source, which has {instead}",
                          suggestion=missing[0].text if len(missing) == 1 else None,
                          signal=NAME))
    if not changed and pseudo_reference is not None:
        for m in missing:
            if in_ref.has(m.text, fuzzy):
                flags.append(Flag(m.start, m.end, "Accuracy/Omission", "Major",
                                  f"name {m.text!r} is missing from the translation",
                                  side="source", signal=NAME))
    return flags
