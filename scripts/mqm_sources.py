"""Write the distinct source sentences of an MQM TSV, one per line: human-written text to
measure false alarms on (`tqcheck eval ... --clean FILE`).

    python scripts/mqm_sources.py ../shared/data/mqm/mqm_ted_ende.tsv > /tmp/ted-en.txt

(The TED en-de sources are English written by people: the clean text of docs/evaluation.md.)
"""

from __future__ import annotations

import sys

from tqcheck.evaluation.mqm import read_mqm


def main() -> None:
    seen: set[str] = set()
    for seg in read_mqm(sys.argv[1]):
        text = " ".join(seg.source.split())
        if text and text not in seen:
            seen.add(text)
            print(text)


if __name__ == "__main__":
    main()
