"""Tables for a terminal (rich): a run's summary and evaluation figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tqcheck.check.base import CheckInfo
    from tqcheck.run.records import RunSummary


def print_summary(s: RunSummary) -> None:
    """`tqcheck summary`: counts, the risk distribution, the slowest files, problems."""
    from rich.table import Table

    from tqcheck.output.text import console as stdout_console

    console = stdout_console(highlight=False)
    console.print(f"[bold]{s.database}[/bold]: {s.segments} segments in "
                  f"{s.files_done}/{s.files_total} finished files; "
                  f"{s.flagged_segments} flagged" + (
                      f"; {s.screened_segments} screened (--budget: no model passes)"
                      if s.screened_segments else ""))
    cats = Table(title="flags by category", show_header=True)
    for col in ("category", "Major", "Minor"):
        cats.add_column(col, justify="left" if col == "category" else "right")
    for cat, sev in sorted(s.flags_by_category.items()):
        cats.add_row(cat, str(sev.get("Major", 0)), str(sev.get("Minor", 0)))
    console.print(cats)
    risk = s.risk
    console.print(f"risk: mean {risk.mean}, median {risk.p50}, p90 {risk.p90}, "
                  f"p99 {risk.p99}")
    top = max(risk.histogram.values() or [1]) or 1
    for band, n in risk.histogram.items():
        console.print(f"  {band}  {'█' * round(30 * n / top):<30} {n}", markup=False)
    slow = Table(title="slowest files", show_header=True)
    for col in ("file", "segments", "seconds", "segments/s"):
        slow.add_column(col, justify="left" if col == "file" else "right")
    for f in s.slowest_files:
        slow.add_row(f.path, str(f.segments), str(f.seconds), str(f.segments_per_s))
    console.print(slow)
    reviews = s.reviews
    if reviews.flags_decided:
        agree = Table(title=f"reviewer agreement ({reviews.flags_decided} flags decided by "
                      f"{', '.join(reviews.reviewers)})", show_header=True)
        for col in ("category", "confirmed", "rejected", "precision"):
            agree.add_column(col, justify="left" if col == "category" else "right")
        for cat, row in sorted(reviews.by_category.items()):
            n = row.confirmed + row.rejected
            agree.add_row(cat, str(row.confirmed), str(row.rejected),
                          f"{row.confirmed / n:.2f}" if n else "")
        console.print(agree)
    if s.problems:
        console.print(f"{len(s.problems)} input problems:")
        for p in s.problems[:20]:
            console.print(f"  {p.path}:{p.line}: {p.message}", markup=False)
    if s.signature:  # one line, never wrapped (a reader parses it back)
        console.print(s.signature, style="dim", markup=False, soft_wrap=True)


def print_figures(title: str, fig: dict[str, Any]) -> None:
    """`tqcheck eval` and `calibrate`: agreement figures, one row each."""
    from rich.table import Table

    from tqcheck.output.text import console as stdout_console

    table = Table(title=title, show_header=True)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("95 % interval", justify="right")
    seg, sys_, binary = fig["segment"], fig["system"], fig["binary"]
    ci = fig.get("ci95", {})

    def interval(group: str, name: str) -> str:
        lo_hi = ci.get(group, {}).get(name)
        return f"[{_shown(lo_hi[0])}, {_shown(lo_hi[1])}]" if lo_hi else ""

    rows: list[tuple[str, Any] | tuple[str, Any, str]] = [
        ("system-segments (items)", f"{fig['n_segments']} ({fig.get('n_items', '?')})"),
        ("mean MQM", fig["mean_mqm"]),
        ("segment Pearson", seg["pearson"], interval("segment", "pearson")),
        ("segment Spearman", seg["spearman"], interval("segment", "spearman")),
        ("segment Kendall tau-b", seg["kendall_tau_b"], interval("segment", "kendall_tau_b")),
        ("segment acc-t (WMT23: by item)", seg["acc_t"], interval("segment", "acc_t")),
        ("segment acc-t (pairs pooled)", seg["acc_t_pooled"],
         interval("segment", "acc_t_pooled")),
        ("system pairwise accuracy", sys_["pairwise_accuracy"],
         interval("system", "pairwise_accuracy")),
        (f"bad (MQM < {binary['threshold_mqm']:g}) AUROC", binary["auroc"],
         interval("binary", "auroc")),
        ("bad precision", binary["precision"]),
        ("bad recall", binary["recall"]), ("bad F1", binary["f1"])]
    for name, span in fig.get("span", {}).items():
        if name == "overall":
            rows.append(("span overall: precision / recall / F1",
                         " / ".join(_shown(span[k]) for k in ("precision", "recall", "f1"))))
        else:
            rows.append((f"span {name}: P / R / F1 (P against any error)",
                         " / ".join(_shown(span[k]) for k in ("precision", "recall", "f1"))
                         + f" ({_shown(span['precision_any'])})"))
    if fig.get("unmapped_categories"):
        rows.append(("unmapped MQM categories (errors)", ", ".join(
            f"{k} {v}" for k, v in fig["unmapped_categories"].items())))
    clean = fig.get("clean")
    if clean:
        rows.append((f"clean text: flags per 100 segments ({clean['segments']})",
                     _shown(clean["flags_per_100"])))
        rows += [(f"  clean: {k}", _shown(v)) for k, v in clean["by_signal"].items()]
    for name, value, *rest in rows:
        table.add_row(name, _shown(value), *rest)
    stdout_console().print(table)


def print_comparison(title: str, table_: dict[str, dict[str, float]]) -> None:
    """`tqcheck eval --compare`: each figure for both profiles, the difference, p."""
    from rich.table import Table

    from tqcheck.output.text import console as stdout_console

    table = Table(title=title, show_header=True)
    for column in ("figure", "a", "b", "a - b", "p"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    for name, row in table_.items():
        p = row["p_value"]
        mark = " *" if p is not None and p < 0.05 else ""
        table.add_row(name, _shown(row["a"]), _shown(row["b"]), _shown(row["difference"]),
                      _shown(p) + mark)
    out = stdout_console()
    out.print(table)
    out.print("* the difference is significant at p < 0.05 (paired permutation test by "
                    "item)")


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def print_review_calibration(report: dict[str, Any]) -> None:
    """`tqcheck calibrate --from-run`: reviewers' precision per check, what changed, and
    the held-out precision before and after."""
    from rich.table import Table

    from tqcheck.output.text import console as stdout_console

    console = stdout_console(highlight=False)
    for by in ("by_category", "by_signal"):
        table = Table(title=f"reviewed flags {by.replace('_', ' ')} ({report['decisions']} "
                      f"decisions; changes need {report['min_decisions']})", show_header=True)
        for col in ("name", "decisions", "confirmed", "precision"):
            table.add_column(col, justify="left" if col == "name" else "right")
        for name, row in report[by].items():
            table.add_row(name, str(row["decisions"]), str(row["confirmed"]),
                          f"{row['precision']:.2f}")
        console.print(table)
    for line in report["changes"] or ["no change: too few decisions, or none that call for "
                                      "one"]:
        console.print(f"  {line}", markup=False)
    risk = report["risk"]
    if "note" in risk:
        console.print(f"risk weights: {risk['note']}", markup=False)
    elif "heldout_auroc" in risk:
        a = risk["heldout_auroc"]
        console.print(f"risk weights refitted on {risk['segments']} reviewed segments "
                      f"({risk['bad']} bad): held-out AUROC {a['before']} -> {a['after']}",
                      markup=False)
    held = report["heldout"]
    if "before" in held:
        console.print(f"held-out precision ({held['folds']} folds by file): "
                      f"{held['before']['precision']} on {held['before']['flags']} flags -> "
                      f"{held['after']['precision']} on {held['after']['flags']}",
                      markup=False)


def print_checks(rows: Sequence[CheckInfo], lang: str, profile: str) -> None:
    """`tqcheck checks`: a line per check in run order (name, languages, category,
    severity, whether it runs), then what it needs and finds, indented: readable in a
    terminal and through a pipe alike."""
    import shutil
    import textwrap

    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    name_w = max([len(r.name) for r in rows] + [5]) + 2
    langs = [",".join(r.languages) if r.languages else "all" for r in rows]
    lang_w = max([len(x) for x in langs] + [9]) + 2
    print(f"{'CHECK':<{name_w}}{'LANGUAGES':<{lang_w}}{'CATEGORY':<29}{'SEVERITY':<10}RUNS")
    for r, serves in zip(rows, langs, strict=True):
        runs = "yes" if r.runs else f"no: {r.why_not}"
        print(f"{r.name:<{name_w}}{serves:<{lang_w}}{r.category:<29}{r.severity:<10}{runs}")
        about = r.description + (f" (needs {', '.join(r.needs)})" if r.needs else "") + (
            f" [uses {', '.join(r.resources)}]" if r.resources else "") + (
            f" [plugin: {r.origin}]" if r.origin != "built-in" else "")
        print(textwrap.fill(about, width, initial_indent="    ", subsequent_indent="    ",
                            break_on_hyphens=False))
    print(f"{sum(r.runs for r in rows)} of {len(rows)} checks run for {lang} with profile "
          f"{profile}")


def print_span_figures(title: str, fig: dict[str, Any]) -> None:
    """`tqcheck eval --spans`: span P/R/F1 beside flagging every character, and ranking."""
    from tqcheck.output.text import console as stdout_console

    out = stdout_console(highlight=False)
    out.print(f"[bold]{title}[/bold]: {fig['segments']} segments")
    for key, label in (("span", "tqcheck"),
                       ("span_flag_every_character_minor", "flag every character (minor)"),
                       ("span_flag_every_character_major", "flag every character (major)")):
        s = fig[key]
        out.print(f"  span {label:<32} P {s['precision']:.4f}  R {s['recall']:.4f}  "
                  f"F1 {s['f1']:.4f}  ({s['flagged_chars']} of the characters flagged)",
                  markup=False)
    out.print(f"  sentence Spearman: -risk {fig['sentence_spearman']}, similarity alone "
              f"{fig['sentence_spearman_similarity_alone']}", markup=False)
    if fig.get("rows_skipped"):
        out.print(f"  {len(fig['rows_skipped'])} rows skipped: {fig['rows_skipped'][:3]}",
                  markup=False)
