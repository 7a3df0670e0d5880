//! `trustmap evaluate --format text`: a compact table per partner for the terminal —
//! propositions with score, verdict, coverage, delta and the partner's view, then the flags.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::model::{Evaluation, FlagSeverity, Lang, PartnerEvaluation, PropositionId, Verdict};
use crate::questionnaire::Questionnaire;

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

fn number(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}

fn signed(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:+.1}"))
}

/// The whole evaluation as text.
pub fn render(e: &Evaluation, lang: Lang, color: bool) -> String {
    let mut out = String::new();
    for p in &e.partners {
        partner(&mut out, p, lang, color);
        out.push('\n');
    }
    network(&mut out, e, lang, color);
    out
}

fn partner(out: &mut String, p: &PartnerEvaluation, lang: Lang, color: bool) {
    let q = Questionnaire::get();
    let bold = Style::new().bold();
    let mut tags = vec![p.role.to_string()];
    if p.strategic {
        tags.push("strategic".into());
    }
    if p.status != crate::model::Status::Current {
        tags.push(p.status.to_string());
    }
    let respondents = if p.respondents.len() > 1 {
        format!(" · {} respondents", p.respondents.len())
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{} ({}) · {} · {}{respondents}",
        paint(color, bold, &p.partner),
        p.id,
        tags.join(", "),
        p.date
    );
    let label = |id: PropositionId| format!("{id} {}", q.proposition(id).map_or("", |pr| pr.short.get(lang)));
    let width = q.propositions.iter().map(|p| label(p.id).chars().count()).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "  {:<width$} {:>6}  {:<12} {:>5} {:>8} {:>7} {:>8}",
        "", "score", "verdict", "cov", "concerns", "Δ", "partner"
    );
    for r in &p.propositions {
        let verdict = format!("{:<12}", r.verdict.as_str());
        let _ = writeln!(
            out,
            "  {:<width$} {:>6}  {} {:>4}% {:>8} {:>7} {:>8}",
            label(r.id),
            number(r.score),
            paint(color, verdict_style(r.verdict), &verdict),
            r.coverage.round(),
            r.concerns,
            signed(r.delta),
            number(r.partner_view),
        );
        // Why the verdict is not the score's band, and the relationship's verdict.
        let indent = " ".repeat(width + 3);
        for c in &r.caps {
            let _ = writeln!(out, "{indent}capped at {}: {} ({})", c.limit, c.rule, c.evidence.join(", "));
        }
        if !r.missing.is_empty() {
            let _ = writeln!(out, "{indent}not answered: {}", r.missing.join(", "));
        }
        if let (Some(rel), Some(theirs)) = (r.relationship, r.partner_verdict) {
            let _ = writeln!(out, "{indent}relationship: {rel} (ours {}, partner's {theirs})", r.verdict);
        }
    }
    let overall = format!("{:<12}", p.overall_verdict.as_str());
    let caps: Vec<String> = p.overall_caps.iter().map(|c| format!(" · {}", c.rule)).collect();
    let _ = writeln!(
        out,
        "  {:<width$} {:>6}  {}{}",
        "overall",
        number(p.overall),
        paint(color, verdict_style(p.overall_verdict), overall.trim_end()),
        caps.concat()
    );
    for f in &p.flags {
        let style = match f.severity {
            FlagSeverity::Critical => Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
            FlagSeverity::Warning => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            FlagSeverity::Info => Style::new().fg_color(Some(AnsiColor::BrightBlack.into())),
        };
        let message = match lang {
            Lang::Nl => &f.message.nl,
            Lang::En => &f.message.en,
        };
        let tag = format!("{:<8}", f.severity.as_str());
        let prop = f.proposition.map_or("--", PropositionId::as_str);
        let side =
            if f.side == crate::model::Perspective::Partner { " (reported by the partner)" } else { "" };
        let _ = writeln!(out, "  {} {prop} {}{side}: {message}", paint(color, style, &tag), f.code);
    }
}

fn network(out: &mut String, e: &Evaluation, lang: Lang, color: bool) {
    let n = &e.network;
    let bold = Style::new().bold();
    let title = match lang {
        Lang::Nl => "Netwerk",
        Lang::En => "Network",
    };
    let roles: Vec<String> = n.by_role.iter().map(|(r, c)| format!("{c} {r}")).collect();
    let _ = writeln!(
        out,
        "{} · {} partners ({}) · {} strategic · {} desired",
        paint(color, bold, title),
        n.partners,
        roles.join(", "),
        n.strategic.len(),
        n.desired.len()
    );
    for p in &n.propositions {
        let spread: Vec<String> = p.verdicts.iter().map(|(v, c)| format!("{c} {v}")).collect();
        let _ = writeln!(out, "  {:<4} mean {:>5}  {}", p.id, number(p.mean), spread.join(", "));
    }
    if !n.dependent_on.is_empty() {
        let names: Vec<&str> = n.dependent_on.iter().map(|d| d.id.as_str()).collect();
        let _ = writeln!(
            out,
            "  more dependent on: {} ({}% of revenue)",
            names.join(", "),
            n.dependent_revenue_share_pct
        );
    }
    for k in n.key_person_load.iter().take(3) {
        let _ = writeln!(out, "  key person {}: {} relationships", k.name, k.partners.len());
    }
    for l in &n.lacking_data {
        let _ = writeln!(out, "  lacking data: {} ({})", l.id, l.propositions.join(", "));
    }
    for f in &n.flags {
        let message = match lang {
            Lang::Nl => &f.message.nl,
            Lang::En => &f.message.en,
        };
        let _ = writeln!(out, "  {:<8} {}: {message}", f.severity.as_str(), f.code);
    }
}
