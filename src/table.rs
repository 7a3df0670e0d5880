//! `trustmap evaluate --format text`: a compact table per partner for the terminal —
//! propositions with score, verdict, coverage, areas of concern, delta and the partner's view,
//! why a verdict is below its score, then the flags — all in the report language.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::model::{
    Evaluation, FlagSeverity, Lang, PartnerEvaluation, Perspective, PropositionId, Verdict, number,
};
use crate::questionnaire::Questionnaire;
use crate::render::labels::Labels;

fn paint(color: bool, style: Style, text: &str) -> String {
    if color { format!("{style}{text}{style:#}") } else { text.to_owned() }
}

fn verdict_style(v: Verdict) -> Style {
    let c = match v {
        Verdict::Strong => AnsiColor::Green,
        Verdict::Adequate => AnsiColor::Cyan,
        Verdict::AtRisk => AnsiColor::Yellow,
        Verdict::Critical => AnsiColor::Red,
        Verdict::Insufficient => AnsiColor::BrightBlack,
    };
    Style::new().fg_color(Some(c.into()))
}

/// Writes the table in one language.
struct Table {
    lang: Lang,
    color: bool,
    labels: &'static Labels,
    q: &'static Questionnaire,
}

impl Table {
    fn t(&self, key: &str) -> String {
        self.labels.text(key, self.lang)
    }

    /// `n` and the singular or plural of `what` (`counts.partner` / `counts.partners`).
    fn count(&self, n: usize, one: &str, many: &str) -> String {
        format!("{n} {}", self.t(&format!("counts.{}", if n == 1 { one } else { many })))
    }

    /// A question's short title (or a derived item's label).
    fn item(&self, id: &str) -> String {
        let derived = || self.labels.get(&format!("items.{id}"), self.lang);
        self.q.short(id, self.lang).or_else(derived).unwrap_or(id).to_owned()
    }

    fn num(&self, x: Option<f64>, signed: bool) -> String {
        x.map_or_else(|| "–".to_owned(), |v| number(v, self.lang, signed))
    }

    /// A value's padded name, in its colour: the padding is measured on the text, not the escapes.
    fn verdict(&self, v: Verdict, width: usize) -> String {
        let name = self.t(&format!("verdicts.{v}"));
        let pad = width.saturating_sub(name.chars().count());
        format!("{}{}", paint(self.color, verdict_style(v), &name), " ".repeat(pad))
    }

    fn partner(&self, out: &mut String, p: &PartnerEvaluation) {
        let bold = Style::new().bold();
        let mut tags = vec![self.t(&format!("roles.{}", p.role))];
        if p.strategic {
            tags.push(self.t("counts.strategic"));
        }
        if p.status != crate::model::Status::Current {
            tags.push(self.t("counts.desired"));
        }
        let respondents = match p.respondents.len() {
            0 | 1 => String::new(),
            n => format!(" · {}", self.count(n, "respondent", "respondents")),
        };
        let _ = writeln!(
            out,
            "{} ({}) · {} · {}{respondents}",
            paint(self.color, bold, &p.partner),
            p.id,
            tags.join(", "),
            p.date
        );
        let label = |id: PropositionId| {
            format!("{id} {}", self.q.proposition(id).map_or("", |pr| pr.short.get(self.lang)))
        };
        let width = self.q.propositions.iter().map(|p| label(p.id).chars().count()).max().unwrap_or(0);
        let verdict_width = Verdict::VARIANTS
            .iter()
            .map(|v| self.t(&format!("verdicts.{v}")).chars().count())
            .max()
            .unwrap_or(0);
        let [score, verdict, coverage, concerns, delta, partner] =
            ["score", "verdict", "coverage", "concerns", "delta_short", "partner_view"].map(|k| self.t(k));
        let _ = writeln!(
            out,
            "  {:<width$} {score:>7}  {verdict:<verdict_width$} {coverage:>8} {concerns:>w$} {delta:>10} {partner:>14}",
            "",
            w = concerns.chars().count(),
        );
        let cw = concerns.chars().count();
        let indent = " ".repeat(width + 3);
        for r in &p.propositions {
            let _ = writeln!(
                out,
                "  {:<width$} {:>7}  {} {:>7}% {:>cw$} {:>10} {:>14}",
                label(r.id),
                self.num(r.score, false),
                self.verdict(r.verdict, verdict_width),
                r.coverage.round(),
                r.concerns,
                self.num(r.delta, true),
                self.num(r.partner_view, false),
            );
            // Why the verdict is not the score's band, and the relationship's verdict.
            for c in &r.caps {
                let limit = self.t(&format!("verdicts.{}", c.limit));
                let _ = writeln!(
                    out,
                    "{indent}{} {limit}: {}",
                    self.t("at_most"),
                    self.t(&format!("caps.{}", c.rule))
                );
            }
            if !r.missing.is_empty() {
                let titles: Vec<String> = r.missing.iter().map(|id| self.item(id)).collect();
                let _ = writeln!(out, "{indent}{}: {}", self.t("missing_items"), titles.join(", "));
            }
            if let (Some(rel), Some(theirs)) = (r.relationship, r.partner_verdict) {
                let _ = writeln!(
                    out,
                    "{indent}{}: {} ({} {}, {} {})",
                    self.t("relationship"),
                    self.t(&format!("verdicts.{rel}")),
                    self.t("our_view").to_lowercase(),
                    self.t(&format!("verdicts.{}", r.verdict)),
                    self.t("partner_view").to_lowercase(),
                    self.t(&format!("verdicts.{theirs}")),
                );
            }
        }
        let caps: Vec<String> =
            p.overall_caps.iter().map(|c| format!(" · {}", self.t(&format!("caps.{}", c.rule)))).collect();
        let _ = writeln!(
            out,
            "  {:<width$} {:>7}  {}{}",
            self.t("overall"),
            self.num(p.overall, false),
            self.verdict(p.overall_verdict, 0),
            caps.concat()
        );
        for f in &p.flags {
            let style = match f.severity {
                FlagSeverity::Critical => Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
                FlagSeverity::Warning => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
                FlagSeverity::Info => Style::new().fg_color(Some(AnsiColor::BrightBlack.into())),
            };
            let severity = self.t(&format!("severities.{}", f.severity));
            let tag = format!("{severity:<12}");
            let prop = f.proposition.map_or("--", PropositionId::as_str);
            let side = match f.side {
                Perspective::Partner => format!(" ({})", self.t("reported_by_partner")),
                Perspective::Own => String::new(),
            };
            let _ = writeln!(
                out,
                "  {} {prop} {}{side}: {}",
                paint(self.color, style, &tag),
                f.code,
                f.message.get(self.lang)
            );
        }
    }

    fn network(&self, out: &mut String, e: &Evaluation) {
        let n = &e.network;
        let bold = Style::new().bold();
        let roles: Vec<String> = n
            .by_role
            .iter()
            .map(|(r, c)| format!("{c} {}", self.t(&format!("roles.{r}")).to_lowercase()))
            .collect();
        let _ = writeln!(
            out,
            "{} · {} ({}) · {} {} · {} {}",
            paint(self.color, bold, &self.t("network_report")),
            self.count(n.partners, "partner", "partners"),
            roles.join(", "),
            n.strategic.len(),
            self.t("counts.strategic"),
            n.desired.len(),
            self.t("counts.desired"),
        );
        for p in &n.propositions {
            let spread: Vec<String> =
                p.verdicts.iter().map(|(v, c)| format!("{c} {}", self.t(&format!("verdicts.{v}")))).collect();
            let _ = writeln!(
                out,
                "  {:<4} {} {:>5}  {}",
                p.id,
                self.t("mean").to_lowercase(),
                self.num(p.mean, false),
                spread.join(", ")
            );
        }
        if !n.dependent_on.is_empty() {
            let names: Vec<&str> = n.dependent_on.iter().map(|d| d.id.as_str()).collect();
            let _ = writeln!(
                out,
                "  {}: {} ({}% {})",
                self.t("more_dependent_on"),
                names.join(", "),
                number(n.dependent_revenue_share_pct, self.lang, false),
                self.t("of_revenue"),
            );
        }
        for k in n.key_person_load.iter().take(3) {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                self.t("key_person").to_lowercase(),
                k.name,
                self.count(k.partners.len(), "relationship", "relationships")
            );
        }
        for l in &n.lacking_data {
            let _ = writeln!(
                out,
                "  {}: {} ({})",
                self.t("lacking_data").to_lowercase(),
                l.id,
                l.propositions.join(", ")
            );
        }
        for f in &n.flags {
            let severity = self.t(&format!("severities.{}", f.severity));
            let _ = writeln!(out, "  {severity:<12} {}: {}", f.code, f.message.get(self.lang));
        }
    }
}

/// The whole evaluation as text, in `lang`.
pub fn render(e: &Evaluation, lang: Lang, color: bool) -> String {
    let table = Table { lang, color, labels: Labels::builtin(), q: Questionnaire::get() };
    let mut out = String::new();
    for p in &e.partners {
        table.partner(&mut out, p);
        out.push('\n');
    }
    table.network(&mut out, e);
    out
}

/// Rows as plain aligned columns (the first row is the header, underlined), each line trimmed
/// at its end: for listings on a terminal. When the lines would be wider than `width` (the
/// terminal's), the widest columns are narrowed, none below its header or [`NARROWEST`], and
/// their cells wrapped at word boundaries onto further lines of their row.
pub fn plain(rows: &[Vec<String>], width: Option<usize>) -> String {
    use unicode_width::UnicodeWidthStr;
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let cells = |c: usize| rows.iter().filter_map(move |r| r.get(c));
    let natural: Vec<usize> = (0..columns).map(|c| cells(c).map(|t| t.width()).max().unwrap_or(0)).collect();
    let mut widths = natural.clone();
    if let Some(width) = width {
        let floor: Vec<usize> = (0..columns)
            .map(|c| {
                rows.first().and_then(|h| h.get(c)).map_or(0, |h| h.width()).max(NARROWEST).min(widths[c])
            })
            .collect();
        // One column at a time, the widest that may still give: down to the next widest, or
        // to what fits.
        loop {
            let total = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
            let Some(c) = (0..columns).filter(|&c| widths[c] > floor[c]).max_by_key(|&c| (widths[c], c))
            else {
                break;
            };
            if total <= width {
                break;
            }
            let next = (0..columns).filter(|&d| d != c).map(|d| widths[d]).max().unwrap_or(0);
            let fits = widths[c] - (total - width).min(widths[c]);
            widths[c] = fits.max(next.min(widths[c] - 1)).max(floor[c]);
        }
    }
    let mut out = String::new();
    let mut line = |row: &[&str]| {
        let pad =
            |(text, w): (&&str, &usize)| format!("{text}{}", " ".repeat(w.saturating_sub(text.width())));
        out.push_str(row.iter().zip(&widths).map(pad).collect::<Vec<_>>().join("  ").trim_end());
        out.push('\n');
    };
    for (k, row) in rows.iter().enumerate() {
        // Only a narrowed column is wrapped: one that fits stays as it is.
        let wrapped: Vec<Vec<std::borrow::Cow<str>>> = (row.iter().enumerate())
            .map(|(c, text)| match widths[c] < natural[c] {
                true => textwrap::wrap(text, widths[c].max(1)),
                false => vec![text.into()],
            })
            .collect();
        for n in 0..wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1) {
            line(&wrapped.iter().map(|lines| lines.get(n).map_or("", |l| l.as_ref())).collect::<Vec<_>>());
        }
        if k == 0 {
            let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
            line(&rule.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
    out
}

/// Narrower than this, a wrapped column would be harder to read than a long line.
const NARROWEST: usize = 12;

/// The width of the terminal standard output is, if it is one.
pub fn terminal_width() -> Option<usize> {
    let (terminal_size::Width(width), _) = terminal_size::terminal_size_of(std::io::stdout())?;
    Some(usize::from(width))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<String>> {
        let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect();
        vec![
            row(&["partner", "action", "due"]),
            row(&[
                "Tecmaro",
                "A1 Agree on a joint roadmap for the coming two years with both boards",
                "2026-05-01",
            ]),
            row(&["De Korenaar", "A2 Call", "–"]),
        ]
    }

    #[test]
    fn a_table_wider_than_the_terminal_wraps_its_widest_column_under_itself() {
        let text = plain(&rows(), Some(60));
        assert!(text.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 60), "{text}");
        assert_eq!(
            text,
            "partner      action                               due\n\
             -----------  -----------------------------------  ----------\n\
             Tecmaro      A1 Agree on a joint roadmap for the  2026-05-01\n\
             \x20            coming two years with both boards\n\
             De Korenaar  A2 Call                              –\n"
        );
        // Wide enough, or not on a terminal: a row a line.
        assert_eq!(plain(&rows(), Some(200)), plain(&rows(), None));
        assert_eq!(plain(&rows(), None).lines().count(), 4);
    }
}
