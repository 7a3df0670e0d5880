//! The report context: what templates see. It is built from the evaluation, the translation
//! table and the branding, with every label already in the report language, so templates hold
//! no logic and no scoring. `trustmap build --dump-context` prints it; the book documents it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::charts;
use crate::evaluate::EvaluationConfig;
use crate::model::{
    CombinedAnswer, Date, Evaluation, Flag, FlagCode, Lang, Note, PartnerEvaluation, Person, PropositionId,
    PropositionResult, Shared, Status, Svg, Verdict, layout,
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
        };
        Ok((branding, logo.map(|l| (l.file_name(), Shared::from(l.bytes)))))
    }
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

/// What every report's context shares.
#[derive(Debug, Clone, Serialize)]
pub struct Common {
    /// The report's title: the partner's name, or the network report's title.
    pub title: String,
    /// The author of the document: the consultant, else the organisation, else `trustmap`.
    pub author: String,
    pub lang: Lang,
    pub org: Branding,
    pub meta: Meta,
    pub method: String,
    /// The palette (`theme.verdicts.<id>`, `theme.severities.<severity>.line` and `.fill`).
    pub theme: charts::Theme,
    /// The other reports, relative to this one and without their extension.
    pub links: Links,
}

/// Where the overview and the network report are, from a report (see [`layout`]).
#[derive(Debug, Clone, Serialize)]
pub struct Links {
    pub index: String,
    pub network: String,
    /// The folder of this report's chart files, beside it (Markdown shows its charts as files).
    pub charts: &'static str,
}

impl Links {
    /// From a report `depth` folders below the output folder.
    fn at_depth(depth: usize) -> Links {
        let up = "../".repeat(depth);
        Links {
            index: format!("{up}{}", layout::INDEX),
            network: format!("{up}{}", layout::NETWORK),
            charts: layout::CHARTS,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerdictView {
    pub id: Verdict,
    pub label: String,
    pub color: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlagView {
    pub code: FlagCode,
    pub proposition: Option<PropositionId>,
    pub severity: String,
    pub severity_label: String,
    pub evidence: Vec<String>,
    pub message: String,
    pub recommendation: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubScoreView {
    pub id: String,
    pub label: String,
    pub score: Option<f64>,
    pub coverage: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    pub question: String,
    pub text: String,
    pub answer: f64,
    pub weight: f64,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PropositionView {
    pub id: PropositionId,
    pub short: String,
    pub text: String,
    pub score: Option<f64>,
    pub coverage: f64,
    pub items: usize,
    pub verdict: VerdictView,
    pub delta: Option<f64>,
    pub previous: Option<f64>,
    pub partner_view: Option<f64>,
    pub gap: Option<f64>,
    pub subscores: Vec<SubScoreView>,
    pub evidence: Vec<EvidenceView>,
    pub flags: Vec<FlagView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub name: String,
    pub role: Option<String>,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerView {
    pub id: String,
    pub text: String,
    pub score: Option<f64>,
    pub spread: Option<u8>,
    pub scores: Vec<u8>,
    /// The scale's meaning of the (rounded) score.
    pub anchor: Option<String>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BoxView {
    pub number: u8,
    pub title: String,
    pub answers: Vec<AnswerView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoundView {
    pub date: Date,
    pub perspective: String,
    pub scores: Vec<Option<f64>>,
    pub respondents: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartnerView {
    pub id: String,
    pub name: String,
    pub role: Label,
    pub strategic: bool,
    pub status: Label,
    pub desired: bool,
    pub date: Date,
    pub respondents: Vec<String>,
    pub assessors: Vec<String>,
    pub overall: Option<f64>,
    pub overall_verdict: VerdictView,
    pub propositions: Vec<PropositionView>,
    pub flags: Vec<FlagView>,
    pub rounds: Vec<RoundView>,
    pub partner_view_date: Option<Date>,
    pub people_partner: Vec<PersonView>,
    pub people_own: Vec<PersonView>,
    pub boxes: Vec<BoxView>,
    pub growth_pct: Option<f64>,
    pub revenue_share_pct: Option<f64>,
    pub sources: Vec<String>,
}

/// The charts of a partner report: inline SVG, and the file name of the same SVG beside the
/// reports (for Markdown).
#[derive(Debug, Clone, Serialize)]
pub struct PartnerCharts {
    pub radar: Svg,
    pub radar_file: String,
    pub trend: Option<Svg>,
    pub trend_file: Option<String>,
}

/// The context of `partner.*`.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerContext {
    #[serde(flatten)]
    pub common: Common,
    pub partner: PartnerView,
    pub charts: PartnerCharts,
}

#[derive(Debug, Clone, Serialize)]
pub struct CellView {
    pub score: Option<f64>,
    pub verdict: VerdictView,
}

/// One partner as a row of the portfolio and the heatmap.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub id: String,
    /// The partner's report, without its extension.
    pub path: String,
    pub name: String,
    pub role: Label,
    pub strategic: bool,
    pub desired: bool,
    pub date: Date,
    pub overall: Option<f64>,
    pub overall_verdict: VerdictView,
    pub cells: Vec<CellView>,
    pub flags: usize,
    pub critical: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountView {
    pub verdict: VerdictView,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct NetworkPropositionView {
    pub id: PropositionId,
    pub short: String,
    pub text: String,
    pub mean: Option<f64>,
    pub counts: Vec<CountView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleCount {
    pub role: Label,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DependenceView {
    pub name: String,
    pub gap: f64,
    pub revenue_share_pct: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadView {
    pub name: String,
    pub count: usize,
    pub partners: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LackingView {
    pub name: String,
    pub propositions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GrowthView {
    pub name: String,
    pub growth_pct: Option<f64>,
    pub revenue_share_pct: Option<f64>,
    pub verdict: VerdictView,
}

#[derive(Debug, Clone, Serialize)]
pub struct NetworkView {
    pub partners: usize,
    pub strategic: usize,
    pub desired: Vec<String>,
    pub by_role: Vec<RoleCount>,
    pub propositions: Vec<NetworkPropositionView>,
    pub rows: Vec<RowView>,
    pub dependent_on: Vec<DependenceView>,
    pub dependence_text: String,
    pub key_person_load: Vec<LoadView>,
    pub lacking_data: Vec<LackingView>,
    pub growth: Vec<GrowthView>,
    pub flags: Vec<FlagView>,
    pub sources: Vec<String>,
}

/// The context of `network.*` and `index.html`.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkContext {
    #[serde(flatten)]
    pub common: Common,
    pub network: NetworkView,
    pub map: Svg,
    pub map_file: String,
}

/// Builds contexts in one language.
pub struct Builder<'a> {
    pub lang: Lang,
    pub labels: &'a Labels,
    pub common: Common,
    pub q: &'a Questionnaire,
}

impl<'a> Builder<'a> {
    pub fn new(lang: Lang, labels: &'a Labels, org: Branding, meta: Meta, cfg: &EvaluationConfig) -> Self {
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
            links: Links::at_depth(0),
        };
        Self { lang, labels, common, q: Questionnaire::get() }
    }

    /// The label `key` in the report's language.
    fn t(&self, key: &str) -> String {
        self.labels.text(key, self.lang)
    }

    fn label(&self, table: &str, id: &str) -> Label {
        Label { id: id.to_owned(), label: self.t(&format!("{table}.{id}")) }
    }

    fn verdict(&self, v: Verdict) -> VerdictView {
        VerdictView {
            id: v,
            label: self.t(&format!("verdicts.{}", v.as_str())),
            color: charts::verdict_color(v),
        }
    }

    pub fn flag(&self, f: &Flag) -> FlagView {
        FlagView {
            code: f.code,
            proposition: f.proposition,
            severity: f.severity.as_str().to_owned(),
            severity_label: self.t(&format!("severities.{}", f.severity.as_str())),
            evidence: f.evidence.clone(),
            message: f.message.get(self.lang).to_owned(),
            recommendation: f.recommendation.get(self.lang).to_owned(),
            source: f.source.clone(),
        }
    }

    fn question_text(&self, id: &str) -> String {
        self.q.question(id).map_or_else(|| id.to_owned(), |q| q.text.get(self.lang).to_owned())
    }

    fn person(&self, p: &Person) -> PersonView {
        PersonView {
            name: p.name.clone(),
            role: p.role.clone(),
            contact: p.contact.map(|c| self.t(&format!("contacts.{}", c.as_str()))),
        }
    }

    fn proposition(&self, r: &PropositionResult, p: &PartnerEvaluation) -> PropositionView {
        let prop = self.q.proposition(r.id);
        let notes =
            |q: &str| p.answers.iter().find(|a| a.question == q).map(|a| a.notes.clone()).unwrap_or_default();
        PropositionView {
            id: r.id,
            short: prop.map(|p| p.short.get(self.lang).to_owned()).unwrap_or_default(),
            text: prop.map(|p| p.text.get(self.lang).to_owned()).unwrap_or_default(),
            score: r.score,
            coverage: r.coverage,
            items: r.items,
            verdict: self.verdict(r.verdict),
            delta: r.delta,
            previous: r.previous,
            partner_view: r.partner_view,
            gap: r.gap,
            subscores: r
                .subscores
                .iter()
                .map(|s| SubScoreView {
                    id: s.id.clone(),
                    label: self.t(&format!("constructs.{}", &s.id)),
                    score: s.score,
                    coverage: s.coverage,
                })
                .collect(),
            evidence: r
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    question: e.question.clone(),
                    text: self.question_text(&e.question),
                    answer: e.answer,
                    weight: e.weight,
                    notes: notes(&e.question),
                })
                .collect(),
            flags: p.flags.iter().filter(|f| f.proposition == Some(r.id)).map(|f| self.flag(f)).collect(),
        }
    }

    fn answer(&self, a: &CombinedAnswer) -> AnswerView {
        let anchor = a.score.and_then(|s| {
            let point = s.round().clamp(1.0, 5.0) as u8;
            self.q.question(&a.question)?.anchors.get(&point).map(|t| t.get(self.lang).to_owned())
        });
        AnswerView {
            id: a.question.clone(),
            text: self.question_text(&a.question),
            score: a.score.map(crate::evaluate::score::round1),
            spread: a.spread,
            scores: a.scores.clone(),
            anchor,
            notes: a.notes.clone(),
        }
    }

    fn boxes(&self, p: &PartnerEvaluation) -> Vec<BoxView> {
        self.q
            .boxes
            .iter()
            .filter_map(|b| {
                let answers: Vec<AnswerView> = b
                    .groups
                    .iter()
                    .flat_map(|g| &g.questions)
                    .filter_map(|q| p.answers.iter().find(|a| a.question == q.id))
                    .map(|a| self.answer(a))
                    .collect();
                (!answers.is_empty()).then(|| BoxView {
                    number: b.number,
                    title: b.title.get(self.lang).to_owned(),
                    answers,
                })
            })
            .collect()
    }

    /// The contexts of a build: the network's, and those of the partners `only` names (all when
    /// it is empty). `shown` turns an input path into the form reports and the manifest show.
    pub fn contexts(
        &self,
        e: &Evaluation,
        only: &std::collections::BTreeSet<String>,
        shown: &dyn Fn(&std::path::Path) -> String,
    ) -> (NetworkContext, Vec<PartnerContext>) {
        let shown_all = |paths: &[std::path::PathBuf]| paths.iter().map(|p| shown(p)).collect();
        let partners = e
            .partners
            .iter()
            .filter(|p| only.is_empty() || only.contains(&p.id))
            .map(|p| self.partner(p, shown_all(&p.sources)))
            .collect();
        let sources: std::collections::BTreeSet<_> =
            e.partners.iter().flat_map(|p| p.sources.clone()).collect();
        (self.network(e, shown_all(&sources.into_iter().collect::<Vec<_>>())), partners)
    }

    /// The context of one partner report. `sources` are the input paths as shown.
    pub fn partner(&self, p: &PartnerEvaluation, sources: Vec<String>) -> PartnerContext {
        let view = PartnerView {
            id: p.id.clone(),
            name: p.partner.clone(),
            role: self.label("roles", p.role.as_str()),
            strategic: p.strategic,
            status: self.label("statuses", p.status.as_str()),
            desired: p.status == Status::Desired,
            date: p.date,
            respondents: p.respondents.clone(),
            assessors: p.assessors.clone(),
            overall: p.overall,
            overall_verdict: self.verdict(p.overall_verdict),
            propositions: p.propositions.iter().map(|r| self.proposition(r, p)).collect(),
            flags: p.flags.iter().map(|f| self.flag(f)).collect(),
            rounds: p
                .rounds
                .iter()
                .map(|r| RoundView {
                    date: r.date,
                    perspective: self.t(&format!("perspectives.{}", r.perspective.as_str())),
                    scores: r.scores.clone(),
                    respondents: r.respondents,
                })
                .collect(),
            partner_view_date: p.partner_view_date,
            people_partner: p.people.partner.iter().map(|x| self.person(x)).collect(),
            people_own: p.people.own.iter().map(|x| self.person(x)).collect(),
            boxes: self.boxes(p),
            growth_pct: p.growth_pct,
            revenue_share_pct: p.revenue_share_pct,
            sources,
        };
        let charts = self.partner_charts(p, &view);
        let depth = layout::partner(&p.id).matches('/').count();
        let common =
            Common { title: p.partner.clone(), links: Links::at_depth(depth), ..self.common.clone() };
        PartnerContext { common, partner: view, charts }
    }

    fn partner_charts(&self, p: &PartnerEvaluation, view: &PartnerView) -> PartnerCharts {
        let labels: Vec<String> = view.propositions.iter().map(|r| format!("{} {}", r.id, r.short)).collect();
        let axes: Vec<charts::RadarAxis> = p
            .propositions
            .iter()
            .zip(&labels)
            .map(|(r, label)| charts::RadarAxis {
                label,
                ours: r.score,
                partner: r.partner_view,
                previous: r.previous,
            })
            .collect();
        let [ours, partner, previous] = ["our_view", "partner_view", "previous_round"].map(|k| self.t(k));
        let legend = charts::RadarLegend { ours: &ours, partner: &partner, previous: &previous };
        let title = format!("{}: {}", self.t("chart_radar"), p.partner);
        let desc: Vec<String> = view
            .propositions
            .iter()
            .map(|r| {
                format!(
                    "{} {}: {} ({})",
                    r.id,
                    r.short,
                    r.score.map_or("–".into(), |s| s.to_string()),
                    r.verdict.label
                )
            })
            .collect();
        let radar = charts::radar(&title, &desc.join("; "), &axes, &legend, &self.common.org.accent).into();
        let own_rounds: Vec<&crate::model::Round> =
            p.rounds.iter().filter(|r| r.perspective == p.perspective).collect();
        let trend = (own_rounds.len() > 1).then(|| {
            let dates: Vec<String> = own_rounds.iter().map(|r| r.date.to_string()).collect();
            let dates: Vec<&str> = dates.iter().map(String::as_str).collect();
            let series: Vec<charts::TrendSeries> = labels
                .iter()
                .enumerate()
                .map(|(i, label)| charts::TrendSeries {
                    label,
                    points: own_rounds.iter().map(|r| r.scores.get(i).copied().flatten()).collect(),
                })
                .collect();
            let title = format!("{}: {}", self.t("chart_trend"), p.partner);
            Svg::from(charts::trend(&title, &title, &dates, &series))
        });
        PartnerCharts {
            radar,
            radar_file: format!("{}-radar.svg", p.id),
            trend_file: trend.as_ref().map(|_| format!("{}-trend.svg", p.id)),
            trend,
        }
    }

    fn row(&self, p: &PartnerEvaluation) -> RowView {
        RowView {
            id: p.id.clone(),
            path: layout::partner(&p.id),
            name: p.partner.clone(),
            role: self.label("roles", p.role.as_str()),
            strategic: p.strategic,
            desired: p.status == Status::Desired,
            date: p.date,
            overall: p.overall,
            overall_verdict: self.verdict(p.overall_verdict),
            cells: p
                .propositions
                .iter()
                .map(|r| CellView { score: r.score, verdict: self.verdict(r.verdict) })
                .collect(),
            flags: p.flags.len(),
            critical: p.flags.iter().filter(|f| f.severity == crate::model::FlagSeverity::Critical).count(),
        }
    }

    /// The context of the network report and the index.
    pub fn network(&self, e: &Evaluation, sources: Vec<String>) -> NetworkContext {
        let n = &e.network;
        let name_of = |id: &str| {
            e.partners.iter().find(|p| p.id == id).map_or_else(|| id.to_owned(), |p| p.partner.clone())
        };
        let verdict_order =
            [Verdict::Strong, Verdict::Adequate, Verdict::AtRisk, Verdict::Critical, Verdict::Insufficient];
        let view = NetworkView {
            partners: n.partners,
            strategic: n.strategic.len(),
            desired: n.desired.iter().map(|id| name_of(id)).collect(),
            by_role: n
                .by_role
                .iter()
                .map(|(r, c)| RoleCount { role: self.label("roles", r.as_str()), count: *c })
                .collect(),
            propositions: n
                .propositions
                .iter()
                .map(|np| {
                    let prop = self.q.proposition(np.id);
                    NetworkPropositionView {
                        id: np.id,
                        short: prop.map(|p| p.short.get(self.lang).to_owned()).unwrap_or_default(),
                        text: prop.map(|p| p.text.get(self.lang).to_owned()).unwrap_or_default(),
                        mean: np.mean,
                        counts: verdict_order
                            .iter()
                            .map(|v| CountView {
                                verdict: self.verdict(*v),
                                count: np.verdicts.get(v).copied().unwrap_or(0),
                            })
                            .collect(),
                    }
                })
                .collect(),
            rows: e.partners.iter().map(|p| self.row(p)).collect(),
            dependent_on: n
                .dependent_on
                .iter()
                .map(|d| DependenceView {
                    name: d.partner.clone(),
                    gap: d.gap,
                    revenue_share_pct: d.revenue_share_pct,
                })
                .collect(),
            dependence_text: self
                .t("dependence_text")
                .replace("{share}", &n.dependent_revenue_share_pct.to_string()),
            key_person_load: n
                .key_person_load
                .iter()
                .map(|k| LoadView {
                    name: k.name.clone(),
                    count: k.partners.len(),
                    partners: k.partners.iter().map(|id| name_of(id)).collect(),
                })
                .collect(),
            lacking_data: n
                .lacking_data
                .iter()
                .map(|l| LackingView { name: l.partner.clone(), propositions: l.propositions.clone() })
                .collect(),
            growth: n
                .growth
                .iter()
                .map(|g| GrowthView {
                    name: g.partner.clone(),
                    growth_pct: g.growth_pct,
                    revenue_share_pct: g.revenue_share_pct,
                    verdict: self.verdict(g.verdict),
                })
                .collect(),
            flags: n.flags.iter().map(|f| self.flag(f)).collect(),
            sources,
        };
        let map = self.map(e);
        let common = Common { title: self.t("network_report"), ..self.common.clone() };
        NetworkContext { common, network: view, map: map.into(), map_file: "network-map.svg".into() }
    }

    fn map(&self, e: &Evaluation) -> String {
        let hrefs: BTreeMap<&str, String> =
            e.partners.iter().map(|p| (p.id.as_str(), format!("{}.html", layout::partner(&p.id)))).collect();
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
        charts::network_map(&title, &desc.join("; "), &center, &nodes, &legend)
    }
}
