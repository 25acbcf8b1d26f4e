"""Make the screenshots in docs/: the review app (SVG), its preview of a suggestion (SVG)
and the HTML report (PNG).

    python scripts/docs_screenshots.py

Scores a short English text against its toy-language source with the committed toy
models (offline), records decisions (two on segments, some on single flags), then drives
the review app with Textual's pilot and opens the report in headless Chromium.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from pathlib import Path

from tqcheck.batch.runner import ScoreOptions, score_corpus
from tqcheck.check.options import CheckOptions
from tqcheck.output.report import write_report
from tqcheck.review.app import ReviewApp
from tqcheck.run.decisions import Review
from tqcheck.run.records import SegmentKey
from tqcheck.run.rundb import RunDB
from tqcheck.testing.toylang import to_toy

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ORIGINAL = [
    "We went to the lake with our friends, and we swam until the sun went down.",
    "The museum opened a new room for the paintings of the old masters.",
    "She told me that the train would leave at nine in the morning.",
    "Many people in the village still remember the flood of that winter.",
    "He wrote three letters to the council, but nobody answered them.",
    "The children were playing in the garden when it started to rain.",
]
# The MT the desk received: an omission, a changed number, a scramble, and clean lines.
MT = [
    "We went to the lake, and we swam until the sun went down.",
    "The museum opened a new room for the paintings of the old masters.",
    "She told me that the train would leave at ten in the morning.",
    "Many people in the village still remember the flood of that winter.",
    "He wrote letters three to the council, but nobody them answered.",
    "The children were playing in the garden when it started to rain.",
]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="tqcheck-shots-"))
    (tmp / "article.en.txt").write_text("\n".join(MT) + "\n", "utf-8")
    (tmp / "article.toy.txt").write_text("\n".join(to_toy(s) for s in ORIGINAL) + "\n",
                                         "utf-8")
    db = tmp / "run.sqlite"
    opts = ScoreOptions(check=CheckOptions(lang="en", src_lang="toy", models_dir=str(
        ROOT / "fixtures" / "models")), source=str(tmp / "article.toy.txt"))
    score_corpus([str(tmp / "article.en.txt")], db, opts)
    review = Review(RunDB(db, mode="write"), reviewer="ana")
    review.decide(SegmentKey(1, 2), "edit", MT[2].replace("ten", "nine"))
    review.decide(SegmentKey(1, 1), "accept")
    flagged = [x for x in review.db.results(flagged_only=True) if x.key.ordinal not in (1, 2)]
    for x in flagged:  # a reviewer's verdicts on single flags, for the agreement figures
        for n, f in enumerate(x.result.flags):
            review.decide_flag(x.key, n, "reject" if f.category == "Style/Awkward"
                               else "confirm")
    with_suggestion = next((x for x in review.db.results(flagged_only=True, worst_first=True)
                            if x.key.ordinal != 2 and any(
                                f.suggestion and f.side == "target" for f in x.result.flags)),
                           None)

    async def shoot() -> None:
        app = ReviewApp(db, reviewer="ana")
        async with app.run_test(size=(150, 42)) as pilot:
            await pilot.pause()
            app.save_screenshot("review-app.svg", str(DOCS))
            if with_suggestion is None:
                return
            row = next(i for i, e in enumerate(app.entries) if e.key == with_suggestion.key)
            app.goto(row)
            flags = with_suggestion.result.flags
            app.flag = next(n for n, f in enumerate(flags) if f.suggestion and
                            f.side == "target")
            await pilot.press("s")
            await pilot.pause()
            app.save_screenshot("review-preview.svg", str(DOCS))

    asyncio.run(shoot())
    page = write_report(RunDB(db, mode="write"), tmp / "report.html")
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("install Debian's chromium for the report screenshot")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--no-first-run", f"--user-data-dir={tmp / 'profile'}",
                    f"--screenshot={DOCS / 'report.png'}", "--window-size=1300,1100",
                    page.as_uri()], check=True, capture_output=True, timeout=120)
    print(f"wrote {DOCS / 'review-app.svg'}, {DOCS / 'review-preview.svg'} and "
          f"{DOCS / 'report.png'}")


if __name__ == "__main__":
    main()
