//! The report context: what templates see, after mdBook's `RenderContext`. It is thin: the
//! evaluation types themselves (`partner` is a [`PartnerEvaluation`], `network` a
//! [`NetworkEvaluation`]), the facts of the build (branding, provenance, palette, links) and the
//! charts, made once and shared by every format. Texts that are not data (labels, question and
//! proposition texts, the names of verdicts and roles) come through template functions bound to
//! the report's language (see [`super::functions`]), which fail the build on an unknown key.
//! `trustmap build --dump-context` prints it; the book documents it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::charts;
use crate::evaluate::EvaluationConfig;
use crate::model::{
    CombinedAnswer, Date, Evaluation, Lang, NetworkEvaluation, OutputFormat, PartnerEvaluation, Round,
    Shared, Status, Svg, Verdict, layout,
};
use crate::questionnaire::Questionnaire;

use super::labels::Labels;

/// Branding from `trustmap.toml`, ready for templates.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Branding {
    pub organisation: Option<String>,
    pub consultant: Option<String>,
    /// `#rrggbb`.
    pub accent: String,
    /// The logo as a `data:` URI, embedded so reports stay self-contained.
    pub logo: Option<String>,
    /// The logo's file name beside a Typst source (`logo.svg` or `logo.png`).
    pub logo_file: Option<String>,
    /// The confidentiality line: `[report] confidential`, else the label in the report language.
    pub confidential: String,
    /// `[report] footer`: a line of the user's own at the foot of every report.
    pub footer: Option<String>,
}

impl Branding {
    /// Branding from the configuration, with the logo checked once (see [`crate::logo`]) and
    /// embedded as a data URI; also the logo as a file (name and bytes) for Typst.
    pub fn new(workspace: &crate::workspace::Workspace) -> crate::Result<(Branding, Option<Asset>)> {
        use base64::Engine as _;
        let report = &workspace.config.report;
        let logo = match &report.logo {
            None => None,
            Some(file) => Some(crate::logo::load(&workspace.root, file, &workspace.config.limits)?),
        };
        let branding = Branding {
            organisation: workspace.config.organisation.clone(),
            consultant: report.consultant.clone(),
            accent: report.accent.clone(),
            logo: logo.as_ref().map(|l| {
                format!(
                    "data:{};base64,{}",
                    l.mime,
                    base64::engine::general_purpose::STANDARD.encode(&l.bytes)
                )
            }),
            logo_file: logo.as_ref().map(crate::logo::Logo::file_name),
            confidential: report.confidential.clone().unwrap_or_default(),
            footer: report.footer.clone(),
        };
        Ok((branding, logo.map(|l| (l.file_name(), Shared::from(l.bytes)))))
    }
}

/// A file a Typst source may read: name and bytes.
pub type Asset = (String, Shared);

/// Facts about the build, for the provenance footer.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Meta {
    pub version: &'static str,
    /// `SOURCE_DATE_EPOCH` as a date if set, else the latest round's date: never the clock.
    pub date: Option<Date>,
    pub commit: Option<String>,
    pub dirty: bool,
}

impl Meta {
    /// The facts of a build: `SOURCE_DATE_EPOCH` as `date` if set, else the latest round's.
    pub fn new(date: Option<Date>, e: &Evaluation, provenance: &crate::provenance::Provenance) -> Meta {
        Meta {
            version: env!("CARGO_PKG_VERSION"),
            date: date.or_else(|| e.partners.iter().map(|p| p.date).max()),
            commit: provenance.commit.as_ref().map(|c| c.chars().take(12).collect()),
            dirty: provenance.dirty,
        }
    }
}

/// What every report's context shares; `L`, where the report's links lead (a partner-facing
/// report links only its own files).
#[derive(Debug, Clone, Serialize)]
pub struct Common<L = Links> {
    /// The report's title: the partner's name, or the network report's title.
    pub title: String,
    /// The author of the document: the consultant, else the organisation, else `trustmap`.
    pub author: String,
    pub lang: Lang,
    pub org: Branding,
    pub meta: Meta,
    /// The method paragraph, with the configured bands.
    pub method: String,
    /// The palette (`theme.verdicts.<id>`, `theme.severities.<severity>.line` and `.fill`).
    pub theme: charts::Theme,
    /// The order verdicts and roles are listed in (a map's keys come in alphabetical order).
    pub order: Order,
    /// The other reports, relative to this one and without their extension.
    pub links: L,
}

/// The order in which reports list the values of an enumeration.
#[derive(Debug, Clone, Serialize)]
pub struct Order {
    pub verdicts: &'static [Verdict],
    pub roles: &'static [crate::model::Role],
}

/// Where the other reports are, from a report (see [`layout`]).
#[derive(Debug, Clone, Serialize)]
pub struct Links {
    pub index: String,
    pub network: String,
    /// The folder of this report's chart files, beside it (Markdown shows its charts as files).
    pub charts: &'static str,
    /// Each partner's report by partner id, without its extension, for the partners that have
    /// an HTML report (in the network report and the index; empty elsewhere) ...
    pub partners: BTreeMap<String, String>,
    /// ... a Markdown report ...
    pub markdown: BTreeMap<String, String>,
    /// ... and a PDF.
    pub pdfs: BTreeMap<String, String>,
    /// Whether the network report has a PDF (in the index and the network report).
    pub network_pdf: bool,
    /// This partner report's PDF beside it, without its extension, when there is one.
    pub pdf: Option<String>,
}

impl Links {
    /// From a report `depth` folders below the output folder.
    fn at_depth(depth: usize) -> Links {
        let up = "../".repeat(depth);
        Links {
            index: format!("{up}{}", layout::INDEX),
            network: format!("{up}{}", layout::NETWORK),
            charts: layout::CHARTS,
            partners: BTreeMap::new(),
            markdown: BTreeMap::new(),
            pdfs: BTreeMap::new(),
            network_pdf: false,
            pdf: None,
        }
    }
}

/// The context of `partner.*`.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerContext<'a> {
    #[serde(flatten)]
    pub common: Common,
    pub partner: &'a PartnerEvaluation,
    /// The partner's answers by question id (`answers[e.question].notes`).
    pub answers: BTreeMap<&'a str, &'a CombinedAnswer>,
    /// The answers box by box, in the questionnaire's order; a box with no answer is left out.
    pub boxes: Vec<AnswerBox<'a>>,
    /// The answer files behind the report, as shown.
    pub sources: Vec<String>,
    /// Who recorded the answers, leaving out the consultant (the cover names them already).
    pub assessors: Vec<&'a str>,
    /// The flags grouped by code, most severe first: the summary a reader acts on, each
    /// recommendation once.
    pub actions: Vec<Action<'a>>,
    /// The flags of each proposition, by code (each once): shown in full under "what needs
    /// attention", named under the proposition.
    pub proposition_flags: BTreeMap<crate::model::PropositionId, Vec<crate::model::FlagCode>>,
    /// The actions of the relationship's plan, with where each stands.
    pub plan: Vec<PlanAction<'a>>,
    /// The name of the target's relationship type, in the report language where it is a
    /// built-in type (`relationship_types` in the labels).
    pub target_type: Option<String>,
    pub charts: PartnerCharts,
}

/// An action of the plan, and where it stands at the report's date.
#[derive(Debug, Clone, Serialize)]
pub struct PlanAction<'a> {
    #[serde(flatten)]
    pub action: &'a crate::model::Action,
    /// Open and past its due date.
    pub overdue: bool,
    /// The proposition it answers (the flag's, for a flag), and its change since the round in
    /// which the action was agreed, in points.
    pub proposition: Option<crate::model::PropositionId>,
    pub moved: Option<f64>,
    /// For an action that answers a flag: whether the flag is still raised.
    pub raised: Option<bool>,
}

impl<'a> PlanAction<'a> {
    /// `action` of `p`'s plan, as it stands on `date`.
    fn new(
        action: &'a crate::model::Action,
        p: &PartnerEvaluation,
        date: Option<crate::model::Date>,
    ) -> Self {
        use crate::model::Answers;
        let (proposition, raised) = match action.answers {
            Answers::Proposition(id) => (Some(id), None),
            Answers::Flag(code) => {
                // The raised flag's proposition, else (resolved) the one its rule is about.
                let raised: Vec<_> = p.flags.iter().filter(|f| f.code == code).collect();
                let defined = || Questionnaire::get().flag(code).and_then(|t| t.proposition);
                (raised.iter().find_map(|f| f.proposition).or_else(defined), Some(!raised.is_empty()))
            }
        };
        let index =
            proposition.and_then(|id| crate::model::PropositionId::VARIANTS.iter().position(|v| *v == id));
        let then = action.agreed.zip(index).and_then(|(agreed, i)| {
            let mut own = p.rounds.iter().filter(|r| r.perspective == p.perspective && r.date <= agreed);
            own.next_back().and_then(|r| r.scores.get(i).copied().flatten())
        });
        let now = index.and_then(|i| p.propositions.get(i)).and_then(|r| r.score);
        let moved = then
            .zip(now)
            .filter(|_| action.agreed.is_some_and(|a| a < p.date))
            .map(|(t, n)| crate::model::round1(n - t));
        let overdue = action.overdue(date);
        PlanAction { action, overdue, proposition, moved, raised }
    }
}

/// The flags of one code: their propositions, the most severe of their severities, and the
/// flags themselves (the recommendation is the same for all).
#[derive(Debug, Clone, Serialize)]
pub struct Action<'a> {
    pub code: crate::model::FlagCode,
    pub severity: crate::model::FlagSeverity,
    pub propositions: Vec<crate::model::PropositionId>,
    pub flags: Vec<&'a crate::model::Flag>,
}

/// `flags` grouped by code, most severe first, each group where its first flag stood.
fn actions(flags: &[crate::model::Flag]) -> Vec<Action<'_>> {
    let mut out: Vec<Action> = Vec::new();
    for f in flags {
        match out.iter_mut().find(|a| a.code == f.code) {
            Some(a) => a.flags.push(f),
            None => out.push(Action {
                code: f.code,
                severity: f.severity,
                propositions: Vec::new(),
                flags: vec![f],
            }),
        }
    }
    for a in &mut out {
        a.severity = a.flags.iter().map(|f| f.severity).max().unwrap_or(a.severity);
        a.propositions = a.flags.iter().filter_map(|f| f.proposition).collect();
        a.propositions.sort();
        a.propositions.dedup();
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.severity));
    out
}

/// The answers of one box of the questionnaire (its title: `box_title(number=…)`).
#[derive(Debug, Clone, Serialize)]
pub struct AnswerBox<'a> {
    pub number: u8,
    pub answers: Vec<&'a CombinedAnswer>,
}

/// The charts of a partner report: inline SVG, and the file name of the same SVG beside the
/// reports (for Markdown).
#[derive(Debug, Clone, Serialize)]
pub struct PartnerCharts {
    pub radar: Svg,
    pub radar_file: String,
    /// What the radar shows, in words: the alternative text of its image in the PDF.
    pub radar_alt: String,
    pub trend: Option<Svg>,
    pub trend_file: Option<String>,
    pub trend_alt: Option<String>,
}

/// One proposition on a relationship's radar: the filled view, the dashed one, the previous
/// round, and the filled view's verdict (for the chart's description).
pub struct ChartAxis {
    pub id: crate::model::PropositionId,
    pub ours: Option<f64>,
    pub partner: Option<f64>,
    pub previous: Option<f64>,
    pub verdict: Verdict,
}

/// The context of `network.*` and `index.html`.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkContext<'a> {
    #[serde(flatten)]
    pub common: Common,
    pub network: &'a NetworkEvaluation,
    /// Every partner in brief: the rows of the portfolio and the heatmap (the network report is
    /// made from these, so that its size does not grow with what each evaluation holds).
    pub partners: Vec<PartnerRow<'a>>,
    /// Partner names by id (the network's lists name partners by id).
    pub names: BTreeMap<&'a str, &'a str>,
    /// Every answer file behind the build, as shown.
    pub sources: Vec<String>,
    /// The open actions of every plan, overdue (on the report's date) first.
    pub open_actions: Vec<crate::model::OpenAction<'a>>,
    /// Per owner (`ours`, then `partner`): how many actions are open, and how many of those
    /// overdue.
    pub actions_by_owner: Vec<OwnerActions>,
    /// What changed since an earlier deliverable (`build --since`).
    pub changes: Option<crate::changes::Changes>,
    pub charts: NetworkCharts,
}

/// A partner as the network report and the index list it.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerRow<'a> {
    pub id: &'a str,
    pub partner: &'a str,
    pub role: crate::model::Role,
    pub strategic: bool,
    pub status: Status,
    /// The round evaluated.
    pub date: Date,
    pub overall: Option<f64>,
    pub overall_verdict: Verdict,
    /// Each proposition's score and verdict.
    pub propositions: Vec<PropositionCell>,
    /// How many red flags the relationship has.
    pub flags: usize,
}

/// A proposition's cell of the heatmap.
#[derive(Debug, Clone, Serialize)]
pub struct PropositionCell {
    pub id: crate::model::PropositionId,
    pub score: Option<f64>,
    pub verdict: Verdict,
}

impl<'a> PartnerRow<'a> {
    fn of(p: &'a PartnerEvaluation) -> Self {
        PartnerRow {
            id: &p.id,
            partner: &p.partner,
            role: p.role,
            strategic: p.strategic,
            status: p.status,
            date: p.date,
            overall: p.overall,
            overall_verdict: p.overall_verdict,
            propositions: (p.propositions.iter())
                .map(|r| PropositionCell { id: r.id, score: r.score, verdict: r.verdict })
                .collect(),
            flags: p.flags.len(),
        }
    }
}

/// One owner's open actions across the plans.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerActions {
    pub owner: crate::model::Owner,
    pub open: usize,
    pub overdue: usize,
}

/// The chart of the network report: inline SVG, and its file name.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkCharts {
    pub map: Svg,
    pub map_file: String,
    /// What the map shows, in words: the alternative text of its image in the PDF.
    pub map_alt: String,
}

/// Whether a partner (by id; the network for `None`) has a report in every one of the formats.
pub type Linked<'l> = dyn Fn(Option<&str>, &std::collections::BTreeSet<OutputFormat>) -> bool + 'l;

/// Builds contexts in one language.
pub struct Builder<'a> {
    pub lang: Lang,
    pub labels: &'a Labels,
    pub common: Common,
    pub q: &'a Questionnaire,
}

impl<'a> Builder<'a> {
    pub fn new(
        lang: Lang,
        labels: &'a Labels,
        mut org: Branding,
        meta: Meta,
        cfg: &EvaluationConfig,
    ) -> Self {
        if org.confidential.is_empty() {
            org.confidential = labels.text("confidential", lang);
        }
        let b = &cfg.bands;
        let method = labels
            .text("method_text", lang)
            .replace("{strong}", &b.strong.to_string())
            .replace("{adequate}", &b.adequate.to_string())
            .replace("{at_risk}", &b.at_risk.to_string())
            .replace("{min_coverage}", &cfg.min_coverage.to_string())
            .replace("{min_items}", &cfg.min_items.to_string());
        let author =
            org.consultant.clone().or_else(|| org.organisation.clone()).unwrap_or_else(|| "trustmap".into());
        let common = Common {
            title: String::new(),
            author,
            lang,
            org,
            meta,
            method,
            theme: charts::Theme::new(),
            order: Order { verdicts: Verdict::VARIANTS, roles: crate::model::Role::VARIANTS },
            links: Links::at_depth(0),
        };
        Self { lang, labels, common, q: Questionnaire::get() }
    }

    /// The label `key` in the report's language.
    fn t(&self, key: &str) -> String {
        self.labels.text(key, self.lang)
    }

    /// The context of the network report and the index (see [`Builder::network`]), its sources
    /// every partner's answer files as `shown`.
    pub fn network_of<'e>(
        &self,
        e: &'e Evaluation,
        linked: &Linked,
        shown: &dyn Fn(&std::path::Path) -> String,
    ) -> NetworkContext<'e> {
        let sources: std::collections::BTreeSet<_> = e.partners.iter().flat_map(|p| &p.sources).collect();
        self.network(e, sources.into_iter().map(|p| shown(p)).collect(), linked)
    }

    /// The context of one partner report. `sources` are the input paths as shown.
    pub fn partner<'e>(&self, p: &'e PartnerEvaluation, sources: Vec<String>) -> PartnerContext<'e> {
        let answers: BTreeMap<&str, &CombinedAnswer> = p.answers.iter().map(|a| (&*a.question, a)).collect();
        let boxes = self
            .q
            .boxes
            .iter()
            .map(|b| AnswerBox {
                number: b.number,
                answers: b
                    .groups
                    .iter()
                    .flat_map(|g| &g.questions)
                    .filter_map(|q| answers.get(q.id.as_str()).copied())
                    .collect(),
            })
            .filter(|b| !b.answers.is_empty())
            .collect();
        let depth = layout::partner(&p.id).matches('/').count();
        let common =
            Common { title: p.partner.clone(), links: Links::at_depth(depth), ..self.common.clone() };
        let consultant = self.common.org.consultant.as_deref().map(crate::model::person_key);
        let assessors = p
            .assessors
            .iter()
            .map(String::as_str)
            .filter(|a| {
                consultant.as_ref().is_none_or(|c| !crate::model::person_key(a).starts_with(c.as_str()))
            })
            .collect();
        PartnerContext {
            common,
            partner: p,
            answers,
            boxes,
            sources,
            assessors,
            actions: actions(&p.flags),
            proposition_flags: p.flags.iter().filter_map(|f| f.proposition.map(|id| (id, f.code))).fold(
                BTreeMap::new(),
                |mut by: BTreeMap<_, Vec<_>>, (id, code)| {
                    let codes = by.entry(id).or_default();
                    if !codes.contains(&code) {
                        codes.push(code);
                    }
                    by
                },
            ),
            plan: (p.plan.iter().flat_map(|plan| &plan.actions))
                .map(|a| PlanAction::new(a, p, self.common.meta.date))
                .collect(),
            target_type: (p
                .plan
                .as_ref()
                .and_then(|plan| plan.target.as_ref())
                .and_then(|t| t.kind.as_deref()))
            .map(|kind| {
                let key = format!("relationship_types.{kind}");
                self.labels.get(&key, self.lang).unwrap_or(kind).to_string()
            }),
            charts: self.partner_charts(p),
        }
    }

    /// The context of the network report and the index, linking the partners `linked` says
    /// have a report.
    pub fn network<'e>(
        &self,
        e: &'e Evaluation,
        sources: Vec<String>,
        linked: &Linked,
    ) -> NetworkContext<'e> {
        let mut links = Links::at_depth(0);
        let reports = |formats: &[OutputFormat]| -> BTreeMap<String, String> {
            let formats = formats.iter().copied().collect();
            e.partners
                .iter()
                .filter(|p| linked(Some(&p.id), &formats))
                .map(|p| (p.id.clone(), layout::partner(&p.id)))
                .collect()
        };
        links.partners = reports(&[OutputFormat::Html]);
        links.markdown = reports(&[OutputFormat::Md]);
        links.pdfs = reports(&[OutputFormat::Pdf]);
        links.network_pdf = linked(None, &[OutputFormat::Pdf].into_iter().collect());
        let (map, map_alt) = self.map(e, &links.partners);
        let common = Common { title: self.t("network_report"), links, ..self.common.clone() };
        let plans = e.partners.iter().filter_map(|p| p.plan.as_ref().map(|plan| (plan, p.partner.as_str())));
        let open = crate::model::open_actions(plans, self.common.meta.date);
        let actions_by_owner = (crate::model::Owner::VARIANTS.iter())
            .map(|&owner| {
                let theirs = open.iter().filter(|a| a.action.owner == owner);
                let overdue = theirs.clone().filter(|a| a.overdue).count();
                OwnerActions { owner, open: theirs.count(), overdue }
            })
            .filter(|o| o.open > 0)
            .collect();
        NetworkContext {
            common,
            network: &e.network,
            partners: e.partners.iter().map(PartnerRow::of).collect(),
            names: e.partners.iter().map(|p| (p.id.as_str(), p.partner.as_str())).collect(),
            sources,
            open_actions: open,
            actions_by_owner,
            changes: None,
            charts: NetworkCharts { map: map.into(), map_file: layout::MAP.into(), map_alt },
        }
    }

    /// A proposition's id and short name in the report's language (`P1 Trust`).
    fn proposition_label(&self, id: crate::model::PropositionId) -> String {
        let short = self.q.proposition(id).map(|p| p.short.get(self.lang)).unwrap_or_default();
        format!("{id} {short}")
    }

    fn partner_charts(&self, p: &PartnerEvaluation) -> PartnerCharts {
        let axes = p
            .propositions
            .iter()
            .map(|r| ChartAxis {
                id: r.id,
                ours: r.score,
                partner: r.partner_view,
                previous: r.previous,
                verdict: r.verdict,
            })
            .collect();
        let legend = ["our_view", "partner_view", "previous_round"].map(|k| self.t(k));
        let rounds = p.rounds.iter().filter(|r| r.perspective == p.perspective).collect();
        self.relationship_charts(&p.partner, &p.id, axes, rounds, legend)
    }

    /// The radar (each proposition on an axis: `ours` filled, `partner` dashed, the previous
    /// round dotted, named by `legend`) and, with more than one of `rounds`, the trend of a
    /// relationship.
    pub fn relationship_charts(
        &self,
        name: &str,
        id: &str,
        axes: Vec<ChartAxis>,
        rounds: Vec<&Round>,
        legend: [String; 3],
    ) -> PartnerCharts {
        let labels: Vec<String> = axes.iter().map(|a| self.proposition_label(a.id)).collect();
        let radar_axes: Vec<charts::RadarAxis> = axes
            .iter()
            .zip(&labels)
            .map(|(a, label)| charts::RadarAxis {
                label,
                ours: a.ours,
                partner: a.partner,
                previous: a.previous,
            })
            .collect();
        let [ours, partner, previous] = &legend;
        let legend = charts::RadarLegend { ours, partner, previous };
        let title = format!("{}: {name}", self.t("chart_radar"));
        let desc: Vec<String> = axes
            .iter()
            .zip(&labels)
            .map(|(a, label)| {
                let score =
                    a.ours.or(a.partner).map_or("–".into(), |s| crate::model::number(s, self.lang, false));
                format!("{label}: {score} ({})", self.t(&format!("verdicts.{}", a.verdict)))
            })
            .collect();
        let radar_alt = format!("{title}. {}", desc.join("; "));
        let radar =
            charts::radar(&title, &desc.join("; "), &radar_axes, &legend, &self.common.org.accent).into();
        let trend = (rounds.len() > 1).then(|| {
            let dates: Vec<String> = rounds.iter().map(|r| r.date.to_string()).collect();
            let dates: Vec<&str> = dates.iter().map(String::as_str).collect();
            let series: Vec<charts::TrendSeries> = labels
                .iter()
                .enumerate()
                .map(|(i, label)| charts::TrendSeries {
                    label,
                    points: rounds.iter().map(|r| r.scores.get(i).copied().flatten()).collect(),
                })
                .collect();
            let title = format!("{}: {name}", self.t("chart_trend"));
            let alt = format!("{title}. {}", dates.join(", "));
            (Svg::from(charts::trend(&title, &title, &dates, &series)), alt)
        });
        let (trend, trend_alt) = trend.unzip();
        PartnerCharts {
            radar,
            radar_file: layout::radar(id),
            radar_alt,
            trend_alt,
            trend_file: trend.as_ref().map(|_| layout::trend(id)),
            trend,
        }
    }

    /// The network map; a partner's node links its report where `reports` has one.
    fn map(&self, e: &Evaluation, reports: &BTreeMap<String, String>) -> (String, String) {
        let hrefs: BTreeMap<&str, String> =
            reports.iter().map(|(id, path)| (id.as_str(), format!("{path}.html"))).collect();
        let nodes: Vec<charts::MapNode> = e
            .partners
            .iter()
            .map(|p| charts::MapNode {
                label: &p.partner,
                role: p.role,
                verdict: p.overall_verdict,
                strategic: p.strategic,
                desired: p.status == Status::Desired,
                href: hrefs.get(p.id.as_str()).map(String::as_str),
            })
            .collect();
        let t = |table: &str, id: &str| self.t(&format!("{table}.{id}"));
        let roles = ["customer", "supplier", "alliance", "other"].map(|r| t("roles", r));
        let verdicts =
            ["strong", "adequate", "at_risk", "critical", "insufficient"].map(|v| t("verdicts", v));
        let (strategic, desired) = (self.t("strategic"), self.t("desired"));
        let legend = charts::MapLegend {
            roles: [&roles[0], &roles[1], &roles[2], &roles[3]].map(String::as_str),
            verdicts: [&verdicts[0], &verdicts[1], &verdicts[2], &verdicts[3], &verdicts[4]]
                .map(String::as_str),
            strategic: &strategic,
            desired: &desired,
        };
        let center = self.common.org.organisation.clone().unwrap_or_default();
        let title = self.t("chart_map");
        let desc: Vec<String> = e
            .partners
            .iter()
            .map(|p| {
                format!(
                    "{} ({}, {})",
                    p.partner,
                    t("roles", p.role.as_str()),
                    t("verdicts", p.overall_verdict.as_str())
                )
            })
            .collect();
        let alt = format!("{title}. {}", desc.join("; "));
        (charts::network_map(&title, &desc.join("; "), &center, &nodes, &legend), alt)
    }
}
