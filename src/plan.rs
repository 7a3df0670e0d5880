//! Plan files: one per relationship in the workspace's `plans/` folder, kept in git beside the
//! answer files. A plan records the target state of the relationship (a relationship type, its
//! per-proposition targets, overrides, and the reason) and the actions agreed on it. Plans are
//! read into the same position-keeping tree as answer files, so every problem is a diagnostic
//! with `file:line:col`, and one bad plan costs only itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Span, did_you_mean, shown};
use crate::load::node::{Key, Node, Value};
use crate::model::{
    Action, ActionStatus, Answers, Date, FlagCode, Owner, Plan, PropositionId, Target, TargetLevel, Verdict,
};

/// The targets a relationship type gives, by type name.
pub type Types = BTreeMap<String, BTreeMap<PropositionId, Verdict>>;

/// The `[targets]` table of trustmap.toml: relationship types of the workspace's own, besides
/// (or replacing) the built-in `strategic`, `collaborative` and `transactional`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TargetsConfig {
    /// `[targets.types.<name>] P1 = "strong"`, …: the target verdict of each proposition
    /// (`strong`, `adequate` or `at_risk`).
    pub types: BTreeMap<String, BTreeMap<PropositionId, crate::model::TargetLevel>>,
}

impl TargetsConfig {
    /// The relationship types: the built-in ones, then the workspace's (a type of the same name
    /// replaces the built-in one).
    ///
    /// - `strategic`: a partnership the business depends on: strong trust, mutual dependence
    ///   and commitment, exchange and people linkages; growth managed (adequate).
    /// - `collaborative`: a partnership worth investing in: adequate on every proposition.
    /// - `transactional`: a market exchange: trust and a fair exchange adequate; dependence,
    ///   people linkages and growth need only stay out of critical (at risk).
    pub fn types(&self) -> Types {
        use PropositionId::*;
        use Verdict::*;
        let builtin: [(&str, [Verdict; 5]); 3] = [
            ("strategic", [Strong, Strong, Strong, Strong, Adequate]),
            ("collaborative", [Adequate; 5]),
            ("transactional", [Adequate, AtRisk, Adequate, AtRisk, AtRisk]),
        ];
        let mut types: Types = builtin
            .into_iter()
            .map(|(name, levels)| (name.to_string(), [P1, P2, P3, P4, P5].into_iter().zip(levels).collect()))
            .collect();
        let own = self.types.iter().map(|(name, levels)| {
            (name.clone(), levels.iter().map(|(p, level)| (*p, Verdict::from(*level))).collect())
        });
        types.extend(own);
        types
    }
}

/// The keys of a plan, of its `target` and of an action.
const PLAN_KEYS: &[&str] = &["partner", "target", "actions"];
const TARGET_KEYS: &[&str] = &["type", "reason", "P1", "P2", "P3", "P4", "P5"];
const ACTION_KEYS: &[&str] = &["id", "do", "answers", "owner", "due", "status", "agreed", "outcome"];

/// Reads the plan in `text` (from `path`): the plan when it is valid, and every problem found.
/// `partners` maps each known partner's id and display name to its id.
pub fn validate(
    path: &Path,
    root: &Node,
    partners: &BTreeMap<String, String>,
    types: &Types,
) -> (Option<Plan>, Vec<Diagnostic>) {
    let mut v = Checker { path, diagnostics: Vec::new() };
    let plan = v.plan(root, partners, types);
    let failed = v.diagnostics.iter().any(Diagnostic::is_error);
    (plan.filter(|_| !failed), v.diagnostics)
}

struct Checker<'a> {
    path: &'a Path,
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, span: Span, code: &'static str, message: String) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::error(self.path, span, code, message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// The entries of a mapping (each key once, known keys only), or `None` with a diagnostic.
    fn mapping<'n>(&mut self, node: &'n Node, what: &str, known: &[&str]) -> Option<Vec<&'n (Key, Node)>> {
        let Value::Map(entries) = &node.value else {
            let found = node.type_name();
            self.error(node.span, "wrong-type", format!("{what} must be a mapping, found {found}"));
            return None;
        };
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        let mut out = Vec::new();
        for entry in entries {
            let name = entry.0.name.as_str();
            if let Some(first) = seen.get(name) {
                let first = first.line;
                self.error(entry.0.span, "duplicate-key", format!("{} is given twice", shown(name))).help =
                    Some(format!("first given at line {first}"));
            } else if !known.contains(&name) {
                let d =
                    self.error(entry.0.span, "unknown-key", format!("unknown key {} in {what}", shown(name)));
                d.help = did_you_mean(name, known.iter().copied())
                    .or_else(|| Some(format!("the keys are {}", known.join(", "))));
            } else {
                seen.insert(name, entry.0.span);
                out.push(entry);
            }
        }
        Some(out)
    }

    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        let text = match &node.value {
            Value::Str(s) => s.trim().to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            _ => {
                let found = node.type_name();
                self.error(node.span, "wrong-type", format!("`{what}` must be text, found {found}"));
                return None;
            }
        };
        let (text, dropped) = crate::validate::clean_text(&text, true);
        if let Some(first) = dropped {
            self.diagnostics.push(crate::validate::control_character(self.path, node.span, what, first));
        }
        if text.is_empty() {
            self.error(node.span, "empty-value", format!("`{what}` is empty"));
            return None;
        }
        Some(text)
    }

    fn keyword<T>(
        &mut self,
        node: &Node,
        what: &str,
        all: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.text(node, what)?;
        let value = parse(&text).filter(|_| all.contains(&text.as_str()));
        if value.is_none() {
            let d = self.error(node.span, "unknown-value", format!("`{what}` cannot be {}", shown(&text)));
            d.help = did_you_mean(&text, all.iter().copied())
                .or_else(|| Some(format!("one of: {}", all.join(", "))));
        }
        value
    }

    fn date(&mut self, node: &Node, what: &str) -> Option<Date> {
        let text = self.text(node, what)?;
        let date = Date::parse(&text);
        if date.is_none() {
            self.error(node.span, "invalid-date", format!("`{what}` is not a date: {}", shown(&text))).help =
                Some("write a real day as YYYY-MM-DD".into());
        }
        date
    }

    fn plan(&mut self, root: &Node, partners: &BTreeMap<String, String>, types: &Types) -> Option<Plan> {
        let entries = self.mapping(root, "a plan", PLAN_KEYS)?;
        let (mut partner, mut target, mut actions) = (None, None, Vec::new());
        for (key, value) in entries {
            match key.name.as_str() {
                "partner" => partner = self.partner(value, partners),
                "target" => target = self.target(value, types),
                _ => actions = self.actions(value),
            }
        }
        if !root_has(root, "partner") {
            self.error(root.span, "missing-key", "missing required key `partner`".into()).help =
                Some("name the partner the plan is for, by id or by name".into());
        }
        Some(Plan { source: self.path.to_path_buf(), partner: partner?, target, actions })
    }

    fn partner(&mut self, node: &Node, partners: &BTreeMap<String, String>) -> Option<String> {
        let text = self.text(node, "partner")?;
        let found = (partners.get(&text))
            .or_else(|| partners.get(&crate::model::person_key(&text)))
            .or_else(|| partners.get(&crate::model::slugify(&text)))
            .cloned();
        if found.is_none() {
            let d = self.error(
                node.span,
                "unknown-partner",
                format!("no partner {} has answer files", shown(&text)),
            );
            d.help = did_you_mean(&text, partners.keys().map(String::as_str));
        }
        found
    }

    fn target(&mut self, node: &Node, types: &Types) -> Option<Target> {
        let entries = self.mapping(node, "`target`", TARGET_KEYS)?;
        let mut target = Target { kind: None, reason: None, levels: BTreeMap::new() };
        let mut overrides = BTreeMap::new();
        for (key, value) in entries {
            match key.name.as_str() {
                "type" => {
                    let Some(kind) = self.text(value, "type") else { continue };
                    match types.get(&kind) {
                        Some(levels) => target.levels.extend(levels.iter().map(|(p, v)| (*p, *v))),
                        None => {
                            let d = self.error(
                                value.span,
                                "unknown-type",
                                format!("no relationship type {}", shown(&kind)),
                            );
                            d.help = did_you_mean(&kind, types.keys().map(String::as_str)).or_else(|| {
                                Some(format!(
                                    "the types are {} (`[targets.types]` in trustmap.toml)",
                                    types.keys().cloned().collect::<Vec<_>>().join(", ")
                                ))
                            });
                        }
                    }
                    target.kind = Some(kind);
                }
                "reason" => target.reason = self.text(value, "reason"),
                id => {
                    let level =
                        self.keyword(value, id, TargetLevel::ALL, TargetLevel::parse).map(Verdict::from);
                    if let (Some(p), Some(level)) = (PropositionId::parse(id), level) {
                        overrides.insert(p, level);
                    }
                }
            }
        }
        target.levels.extend(overrides);
        if target.levels.is_empty() && !self.diagnostics.iter().any(Diagnostic::is_error) {
            self.error(node.span, "empty-target", "`target` names no level".into()).help =
                Some("give a `type`, or a level for some of P1 to P5 (strong, adequate, at_risk)".into());
        }
        Some(target)
    }

    fn actions(&mut self, node: &Node) -> Vec<Action> {
        let Value::Seq(items) = &node.value else {
            let found = node.type_name();
            self.error(node.span, "wrong-type", format!("`actions` must be a list, found {found}"));
            return Vec::new();
        };
        let mut actions: Vec<Action> = Vec::new();
        let mut ids: BTreeMap<String, u32> = BTreeMap::new();
        for item in items {
            let id = match &item.value {
                Value::Map(entries) => {
                    entries.iter().find(|(k, _)| k.name == "id").and_then(|(_, v)| match &v.value {
                        Value::Str(s) => Some((s.trim().to_string(), v.span)),
                        Value::Int(i) => Some((i.to_string(), v.span)),
                        _ => None,
                    })
                }
                _ => None,
            };
            if let Some((id, span)) = id {
                if let Some(first) = ids.get(&id) {
                    let first = *first;
                    self.error(span, "duplicate-action", format!("action {} is given twice", shown(&id)))
                        .help =
                        Some(format!("first given at line {first}; give each action of a plan its own id"));
                    continue;
                }
                ids.insert(id, span.line);
            }
            actions.extend(self.action(item));
        }
        actions
    }

    fn action(&mut self, node: &Node) -> Option<Action> {
        let entries = self.mapping(node, "an action", ACTION_KEYS)?;
        let fields: BTreeMap<&str, &Node> = entries.iter().map(|(k, v)| (k.name.as_str(), v)).collect();
        let mut missing = false;
        for required in ["id", "do", "answers", "owner"] {
            if !fields.contains_key(required) {
                missing = true;
                self.error(node.span, "missing-key", format!("the action is missing `{required}`"));
            }
        }
        let id = fields.get("id").and_then(|n| self.text(n, "id"));
        let what = fields.get("do").and_then(|n| self.text(n, "do"));
        let answers = fields.get("answers").and_then(|n| self.answers(n));
        let owner = fields.get("owner").and_then(|n| self.keyword(n, "owner", Owner::ALL, Owner::parse));
        let due = fields.get("due").and_then(|n| self.date(n, "due"));
        let status = match fields.get("status") {
            Some(n) => self.keyword(n, "status", ActionStatus::ALL, ActionStatus::parse),
            None => Some(ActionStatus::Proposed),
        };
        let agreed = fields.get("agreed").and_then(|n| self.date(n, "agreed"));
        let outcome = fields.get("outcome").and_then(|n| self.text(n, "outcome"));
        if missing {
            return None;
        }
        Some(Action {
            id: id?,
            what: what?,
            answers: answers?,
            owner: owner?,
            due,
            status: status?,
            agreed,
            outcome,
        })
    }

    fn answers(&mut self, node: &Node) -> Option<Answers> {
        let text = self.text(node, "answers")?;
        if let Some(p) = PropositionId::parse(&text.to_uppercase()) {
            return Some(Answers::Proposition(p));
        }
        if let Some(flag) = FlagCode::parse(&text) {
            return Some(Answers::Flag(flag));
        }
        let all = PropositionId::ALL.iter().chain(FlagCode::ALL).copied();
        let d = self.error(
            node.span,
            "unknown-answers",
            format!("{} is neither a proposition nor a flag", shown(&text)),
        );
        d.help = did_you_mean(&text, all)
            .or_else(|| Some("a proposition (P1 to P5) or a flag code, e.g. `unresolved-breach`".into()));
        None
    }
}

fn root_has(root: &Node, key: &str) -> bool {
    matches!(&root.value, Value::Map(entries) if entries.iter().any(|(k, _)| k.name == key))
}

/// Everything read from a plans folder.
#[derive(Debug, Default)]
pub struct Plans {
    /// Valid plans, by partner id.
    pub plans: BTreeMap<String, Plan>,
    pub diagnostics: Vec<Diagnostic>,
    /// The text of every plan read, to show source lines in diagnostics.
    pub sources: BTreeMap<PathBuf, String>,
}

/// Reads every `.yaml` or `.yml` file in `dir` (not below it), in name order, as a plan; a
/// folder that does not exist has none. `partners` maps each known partner's id and name to its
/// id. Two plans for one partner: the second is an error.
pub fn read_all(dir: &Path, partners: &BTreeMap<String, String>, types: &Types, max_bytes: u64) -> Plans {
    let mut out = Plans::default();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let yaml = path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "yaml" | "yml"));
        if !yaml || !path.is_file() {
            continue;
        }
        match crate::load::load(&path, max_bytes) {
            crate::load::Loaded::Document(doc) => {
                let (plan, diagnostics) = validate(&path, &doc.root, partners, types);
                out.diagnostics.extend(doc.diagnostics);
                out.diagnostics.extend(diagnostics);
                if let Some(plan) = plan {
                    if let Some(first) = out.plans.get(&plan.partner) {
                        let message = format!("a second plan for {}", shown(&plan.partner));
                        let d = Diagnostic::error(&path, Span::START, "duplicate-plan", message);
                        out.diagnostics.push(d.with_help(format!(
                            "the first is `{}`",
                            crate::diagnostic::path_shown(&first.source)
                        )));
                    } else {
                        out.plans.insert(plan.partner.clone(), plan);
                    }
                }
                out.sources.insert(path, doc.text);
            }
            crate::load::Loaded::Failed { text, diagnostics } => {
                out.diagnostics.extend(diagnostics);
                if let Some(text) = text {
                    out.sources.insert(path, text);
                }
            }
            crate::load::Loaded::Skipped(note) => out.diagnostics.push(note),
        }
    }
    out
}

/// An action `trustmap plan` proposes: one per flag the plan has no action for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub id: String,
    pub answers: FlagCode,
    /// The flag's recommendation, in the workspace's language.
    pub what: String,
}

/// The actions to propose for a partner with `flags` (most severe first) and `plan`: one per
/// flag code no action of the plan answers (whatever its status: a dropped action was a
/// decision), numbered after the plan's own `A<n>` ids.
pub fn proposals(
    plan: Option<&Plan>,
    flags: &[crate::model::Flag],
    lang: crate::model::Lang,
) -> Vec<Proposal> {
    let actions = plan.map_or(&[][..], |p| p.actions.as_slice());
    let answered = |code: FlagCode| actions.iter().any(|a| a.answers == Answers::Flag(code));
    let mut next =
        actions.iter().filter_map(|a| a.id.strip_prefix('A')?.parse::<u32>().ok()).max().unwrap_or(0);
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for flag in flags {
        if seen.contains(&flag.code) || answered(flag.code) {
            continue;
        }
        seen.push(flag.code);
        next = next.saturating_add(1);
        out.push(Proposal {
            id: format!("A{next}"),
            answers: flag.code,
            what: flag.recommendation.get(lang).to_string(),
        });
    }
    out
}

/// The plan file's text with `proposals` added as `proposed` actions at the end of its
/// `actions:` list, leaving every existing line as it is; `file` is the file's text and tree
/// now, or `None` for a new plan for `partner`. `note` is a comment put above them. An
/// `actions:` that is not the file's last key, or not a block list, cannot be added to
/// without rewriting the file: the reason is returned instead.
pub fn with_proposals(
    file: Option<(&str, &Node)>,
    partner: &str,
    proposals: &[Proposal],
    note: &str,
) -> Result<String, String> {
    let item = |p: &Proposal, dash: &str, indent: &str| {
        let what = crate::emit::scalar(&p.what);
        format!(
            "{dash}id: {}\n{indent}do: {what}\n{indent}answers: {}\n{indent}owner: ours\n{indent}status: proposed\n",
            p.id, p.answers
        )
    };
    let items = |dash: &str, indent: &str| -> String {
        let comment = format!("{indent}# {note}\n");
        comment + &proposals.iter().map(|p| item(p, dash, indent)).collect::<String>()
    };
    let Some((text, root)) = file else {
        return Ok(format!("partner: {}\nactions:\n{}", crate::emit::scalar(partner), items("  - ", "    ")));
    };
    // Appended in the file's own line ends, after its last line.
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut text = text.to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push_str(eol);
    }
    let added = |more: String| Ok(text.clone() + &more.replace('\n', eol));
    let Value::Map(entries) = &root.value else { return Err("the plan is not a mapping".into()) };
    let Some(position) = entries.iter().position(|(k, _)| k.name == "actions") else {
        return added("actions:\n".to_string() + &items("  - ", "    "));
    };
    if position + 1 != entries.len() {
        return Err("`actions:` is not the last key of the plan: move it to the end of the file so that actions can be added to it".into());
    }
    let value = &entries[position].1;
    // A block list: its first item's keys follow a `- `.
    let dash = |node: &Node| {
        let line = text.lines().nth(node.span.line.saturating_sub(1) as usize);
        let column = node.span.column as usize;
        column >= 3 && line.and_then(|l| l.chars().nth(column - 3)) == Some('-')
    };
    match &value.value {
        Value::Seq(list) if list.first().is_some_and(dash) => {
            // The new items go at the column of the first one's keys.
            let column = list[0].span.column as usize;
            let (dash, indent) = (format!("{}- ", " ".repeat(column - 3)), " ".repeat(column - 1));
            added(items(&dash, &indent))
        }
        _ => Err("`actions:` is not a list written one item per line (`- id: …`)".into()),
    }
}
