"""One self-contained HTML page that shows how bad a batch is.

Everything is inline (CSS, an SVG histogram, a small script for sorting and filtering), so
the file opens anywhere with no network. Every piece of input text goes through
`html.escape`, with bidi controls shown as markers (they cannot reorder what a reader sees);
the page's Content-Security-Policy allows no network and only the page's
own script (by hash), so even text that slipped past escaping could not run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from tqcheck.config import config_table
from tqcheck.output.text import models_warning, severity_runs, visible, word_diff
from tqcheck.run.decisions import Review
from tqcheck.run.records import ReviewAgreement
from tqcheck.run.rundb import RunDB
from tqcheck.types import SegmentResult, Side
from tqcheck.version import __version__

_CSS = """
.warn{background:#fff4e5;border-left:4px solid #f59e0b;padding:.4rem .7rem}
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem;color:#222;max-width:1400px}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.4rem 0 .4rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;
padding:.5rem .9rem}.card b{display:block;font-size:1.3rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eee;padding:.35rem;
vertical-align:top;text-align:left}th{cursor:pointer;background:#f6f6f6;position:sticky;top:0}
mark.Major{background:#f8b4b4}mark.Minor{background:#fde68a}ins{background:#d1fae5;
text-decoration:none}.bt{color:#555;font-size:12px}.flag{font-size:12px;color:#444}
.sig{font:11px monospace;color:#777;overflow-wrap:anywhere}
td.loc{white-space:nowrap;font-size:12px;color:#555}.band{font-size:11px;color:#555}.filters{display:flex;gap:.6rem;
margin:.5rem 0}.num{text-align:right;font-variant-numeric:tabular-nums}
"""

_JS = """
(function(){
const table=document.getElementById('segments');const body=table.tBodies[0];
const rows=Array.from(body.rows);
function apply(){
 const cat=document.getElementById('f-cat').value,sev=document.getElementById('f-sev').value,
 dec=document.getElementById('f-dec').value,q=document.getElementById('f-q').value.toLowerCase();
 let shown=0;
 for(const r of rows){
  const ok=(!cat||r.dataset.cats.split('|').includes(cat))&&(!sev||r.dataset.sev===sev)&&
   (!dec||r.dataset.dec===dec)&&(!q||r.textContent.toLowerCase().includes(q));
  r.hidden=!ok;if(ok)shown++;}
 document.getElementById('shown').textContent=String(shown);}
for(const id of ['f-cat','f-sev','f-dec','f-q']){
 document.getElementById(id).addEventListener('input',apply);}
let dir=-1,last=null;
for(const th of table.tHead.rows[0].cells){
 th.addEventListener('click',function(){
  const k=th.dataset.key;dir=(last===k)?-dir:-1;last=k;
  rows.sort(function(a,b){const x=a.dataset[k],y=b.dataset[k];
   const nx=parseFloat(x),ny=parseFloat(y);
   const c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return dir*c;});
  for(const r of rows)body.appendChild(r);});}
apply();
})();
"""


@dataclass(frozen=True)
class ReportSettings:
    """`[report]` of configs/score.toml."""

    max_segments: int  # flagged segments shown, worst first


def _esc(text: str) -> str:
    """Text for the page: HTML-escaped, and bidi controls shown, not obeyed."""
    return html.escape(visible(text))


def report_settings() -> ReportSettings:
    return config_table(ReportSettings, "score.toml", "report")


def _highlight(r: SegmentResult, side: Side = "target") -> str:
    """Escaped text with flagged spans in <mark class=severity> (worst severity wins)."""
    return "".join(f'<mark class="{sev}">{_esc(piece)}</mark>' if sev
                   else _esc(piece) for piece, sev in severity_runs(r, side))


def _diff(original: str, other: str) -> str:
    """`other` escaped, with words that are not in `original` marked <ins>."""
    return " ".join(f"<ins>{_esc(w)}</ins>" if changed else _esc(w)
                    for w, changed in word_diff(original, other))


def _histogram(hist: dict[str, int]) -> str:
    top = max(hist.values() or [1]) or 1
    width, height, bar = 420, 140, 38
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 30}" '
             'role="img" aria-label="histogram of segment risk">']
    for k, (band, n) in enumerate(hist.items()):
        h = round(height * n / top)
        x = 5 + k * (bar + 3)
        parts.append(f'<rect x="{x}" y="{height - h}" width="{bar}" height="{h}" '
                     f'fill="#6b8fd6"><title>{_esc(band)}: {n}</title></rect>')
        parts.append(f'<text x="{x + bar / 2}" y="{height + 12}" font-size="9" '
                     f'text-anchor="middle">{_esc(band)}</text>')
        parts.append(f'<text x="{x + bar / 2}" y="{max(10, height - h - 2)}" font-size="9" '
                     f'text-anchor="middle">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _models_section(db: RunDB) -> str:
    """Which models made the flags, with a warning where they are not real MT models."""
    models = db.models()
    if not models:
        return "<h2>Models</h2><p>none: model-free checks only</p>"
    rows = "".join(f"<tr><td>{_esc(pair)}</td><td>{_esc(m)}</td></tr>"
                   for pair, m in sorted(models.items()))
    note = models_warning(models)
    warn = ""
    if note:
        head, _, rest = note.partition(": ")
        warn = f"<p class=warn><b>{_esc(head)}:</b> {_esc(rest)}</p>"
    return (f"<h2>Models</h2>{warn}<table style=\"width:auto\"><thead><tr><th>pair</th>"
            f"<th>weights</th></tr></thead><tbody>{rows}</tbody></table>")


def _agreement_section(reviews: ReviewAgreement) -> str:
    """Reviewers' verdicts on flags per category: how often the checker was right."""
    if not reviews.flags_decided:
        return ""
    rows = []
    for cat, row in sorted(reviews.by_category.items()):
        n = row.confirmed + row.rejected
        rows.append(f"<tr><td>{_esc(cat)}</td><td class=num>{row.confirmed}</td>"
                    f"<td class=num>{row.rejected}</td>"
                    f"<td class=num>{row.confirmed / n:.2f}</td></tr>")
    who = ", ".join(_esc(r) for r in reviews.reviewers)
    files = ", ".join(_esc(f) for f in reviews.files)
    return (f"<h2>Reviewer agreement</h2><p>{reviews.flags_decided} flags decided by "
            f"{who} in {files}.</p><table id=agreement style=\"width:auto\"><thead><tr>"
            "<th>category</th><th>confirmed</th><th>rejected</th><th>precision</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


_RISK_MEANING = ("Risk ranks segments for review, from the profile's weights over what the "
                 "checks found: worst first. It is a rank, not a probability that a "
                 "segment is fine.")


def _short(location: str) -> str:
    """A segment's place as the table shows it: the file's name, line and column (the full
    path is the cell's title), so that long paths do not squeeze the text beside them."""
    return Path(location).name


def _breakable(text: str) -> str:
    """Escaped, with line-break opportunities after each signature field and path part."""
    return re.sub(r"([|/])", r"\1<wbr>", _esc(text))


def render_report(db: RunDB, limit: int | None = None) -> str:
    """The report page for a run database, as a string (`limit`: flagged segments shown,
    default from configs/score.toml)."""
    limit = report_settings().max_segments if limit is None else limit
    s = db.summary()
    review = Review(db, reviewer="report")
    decisions = review.all_current()
    counts = review.counts()
    e = _esc
    cards = [("segments", s.segments), ("flagged", s.flagged_segments),
             ("files", f"{s.files_done}/{s.files_total}"),
             ("mean risk", s.risk.mean), ("p90 risk", s.risk.p90),
             ("accepted", counts["accept"]), ("confirmed", counts["confirm"]),
             ("edited", counts["edit"])] + (
                 [("screened (--budget)", s.screened_segments)] if s.screened_segments else [])
    cat_rows = "".join(
        f"<tr><td>{e(cat)}</td><td class=num>{sev.get('Major', 0)}</td>"
        f"<td class=num>{sev.get('Minor', 0)}</td></tr>"
        for cat, sev in sorted(s.flags_by_category.items()))
    shown = list(db.results(flagged_only=True, worst_first=True, limit=limit))
    n_flagged = s.flagged_segments
    cats = sorted(s.flags_by_category)
    rows = []
    bands = db.risk_bands()

    def band(risk: float) -> str:
        return f"<div class=band>{bands.of(risk)}</div>" if bands is not None else ""

    for x in shown:
        r, seg = x.result, x.result.segment
        d = decisions.get(x.key)
        dec = d.action if d else "undecided"
        detail = [f"<div>{_highlight(r)}</div>"]
        if seg.source is not None:
            detail.append(f'<div class=bt>source: {_highlight(r, "source")}</div>')
        for name, bt in r.backtranslations.items():
            detail.append(f"<div class=bt>{e(name)}: {_diff(seg.text, bt)}</div>")
        if d and d.action == "edit" and d.after:
            detail.append(f"<div class=bt>edited: {_diff(seg.text, d.after)}</div>")
        # truncated, unreliable models, screened by the cascade (--budget)
        detail += [f"<div class=bt>note: {e(note)}</div>" for note in seg.notes]
        flags = "".join(
            f"<div class=flag><b>{e(f.severity)} {e(f.category)}</b> "
            f"“{e(r.excerpt(f))}”: "
            f"{e(f.message)}{' → ' + e(f.suggestion) if f.suggestion else ''}</div>"
            for f in r.flags)
        row_cats = "|".join(sorted({f.category for f in r.flags}))
        rows.append(
            f'<tr data-risk="{r.risk:.4f}" data-key="{e(str(x.key))}" data-file="{e(x.path)}" '
            f'data-sev="{e(r.worst_severity() or "")}" data-cats="{e(row_cats)}" '
            f'data-dec="{e(dec)}"><td class=num>{r.risk:.3f}{band(r.risk)}</td>'
            f'<td class=loc title="{e(x.location)}">{e(_short(x.location))}</td>'
            f"<td>{''.join(detail)}</td><td>{flags}</td><td>{e(dec)}</td></tr>")
    script = _JS
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
           f"script-src 'sha256-{digest}'")
    cat_options = "".join(f'<option value="{e(c)}">{e(c)}</option>' for c in cats)
    note = (f"the {limit} riskiest of {n_flagged} flagged segments" if n_flagged > limit
            else f"all {n_flagged} flagged segments")
    problems = "".join(f"<li>{e(p.path)}:{p.line}: {e(p.message)}</li>"
                       for p in s.problems[:200])
    models = _models_section(db)
    agreement = _agreement_section(s.reviews)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tqcheck report: {e(Path(s.database).name)}</title><style>{_CSS}</style></head>
<body>
<h1>tqcheck report</h1>
<div class=sig>{_breakable(s.database)} · tqcheck {e(__version__)}</div>
<div class=cards>{''.join(f'<div class=card>{e(k)}<b>{e(str(v))}</b></div>' for k, v in cards)}
</div>
<h2>Segment risk</h2>
<p>{e(_RISK_MEANING)} {e(bands.explain() if bands else "This run keeps no risk bands.")}</p>
{_histogram(s.risk.histogram)}
<h2>Flags by category and severity</h2>
<table style="width:auto"><thead><tr><th>category</th><th>Major</th><th>Minor</th></tr>
</thead><tbody>{cat_rows}</tbody></table>
{models}{agreement}
{f'<h2>Input problems</h2><ul>{problems}</ul>' if problems else ''}
<h2>Flagged segments</h2>
<p>Showing {e(note)}; <span id=shown></span> match the filters.</p>
<div class=filters>
<select id=f-cat aria-label=category><option value="">all categories</option>{cat_options}
</select>
<select id=f-sev aria-label=severity><option value="">all severities</option>
<option>Major</option><option>Minor</option></select>
<select id=f-dec aria-label=decision><option value="">all decisions</option>
<option value=undecided>undecided</option><option value=accept>accepted</option>
<option value=confirm>confirmed</option><option value=edit>edited</option></select>
<input id=f-q type=search placeholder="search text" aria-label=search>
</div>
<table id=segments><thead><tr><th data-key=risk>risk</th><th data-key=key>segment</th>
<th data-key=file>text, source, back-translations</th><th data-key=sev>flags</th>
<th data-key=dec>decision</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
<p class=sig>{_breakable(s.signature or '')}</p>
<script>{script}</script>
</body></html>
"""


def write_report(db: RunDB, out: str | Path, limit: int | None = None) -> Path:
    path = Path(out)
    path.write_text(render_report(db, limit), "utf-8")
    return path

