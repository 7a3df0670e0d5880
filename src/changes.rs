//! What changed between two deliverables: per partner the verdict and score of each
//! proposition, the flags raised and resolved, the actions opened and closed; partners added and
//! removed; and the same in summary for the network.
//!
//! Each side is a [`Snapshot`]: the part of an evaluation a comparison needs. `build` keeps the
//! snapshot of every build in its output folder (`evaluation.json`), so an earlier output folder
//! (or an unpacked bundle) can be compared with without git; an earlier git revision is read
//! through the `git` executable and evaluated afresh.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::reporter::Reporter;
use crate::workspace::Workspace;

use crate::model::{ActionStatus, Date, Evaluation, FlagCode, PropositionId, Verdict, number, round1};

/// The name of the snapshot in an output folder.
pub const SNAPSHOT: &str = "evaluation.json";

/// What a comparison needs of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub trustmap: String,
    pub partners: Vec<PartnerSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerSnapshot {
    pub id: String,
    pub name: String,
    /// The round evaluated.
    pub date: Date,
    pub overall: Option<f64>,
    pub overall_verdict: Verdict,
    pub propositions: Vec<PropositionSnapshot>,
    pub flags: Vec<FlagSnapshot>,
    pub actions: Vec<ActionSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropositionSnapshot {
    pub id: PropositionId,
    pub score: Option<f64>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FlagSnapshot {
    pub code: FlagCode,
    pub proposition: Option<PropositionId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionSnapshot {
    pub id: String,
    pub status: ActionStatus,
}

impl Snapshot {
    pub fn of(e: &Evaluation) -> Snapshot {
        let partners = e
            .partners
            .iter()
            .map(|p| {
                let mut flags: Vec<FlagSnapshot> = p
                    .flags
                    .iter()
                    .map(|f| FlagSnapshot { code: f.code, proposition: f.proposition })
                    .collect();
                flags.sort();
                flags.dedup();
                PartnerSnapshot {
                    id: p.id.clone(),
                    name: p.partner.clone(),
                    date: p.date,
                    overall: p.overall,
                    overall_verdict: p.overall_verdict,
                    propositions: (p.propositions.iter())
                        .map(|r| PropositionSnapshot { id: r.id, score: r.score, verdict: r.verdict })
                        .collect(),
                    flags,
                    actions: (p.plan.iter().flat_map(|plan| &plan.actions))
                        .map(|a| ActionSnapshot { id: a.id.clone(), status: a.status })
                        .collect(),
                }
            })
            .collect();
        Snapshot { trustmap: env!("CARGO_PKG_VERSION").into(), partners }
    }

    /// As JSON, the way it is written.
    pub fn json(&self) -> crate::Result<String> {
        Ok(serde_json::to_string_pretty(self)? + "\n")
    }
}

/// The evaluation of `workspace` as it is on disk (its answer files and plans); the problems
/// of its files go to `reporter`.
pub fn evaluate_workspace(workspace: &Workspace, reporter: &dyn Reporter) -> crate::Result<Evaluation> {
    let batch = crate::pipeline::read_workspace(&[workspace.assessments()?], workspace)?;
    batch.report_errors(reporter)?;
    Ok(batch.evaluate(&workspace.config.evaluation))
}

/// The snapshot of an earlier deliverable of `workspace`: `since` is an output folder (its
/// [`SNAPSHOT`]) or a git revision of the workspace (its answer files, plans and trustmap.toml
/// read through git into a temporary folder, and evaluated as they were).
pub fn base(workspace: &Workspace, since: &str) -> crate::Result<Snapshot> {
    let folder = Path::new(since);
    if folder.is_dir() {
        let path = folder.join(SNAPSHOT);
        let bytes = std::fs::read(&path).map_err(|e| Error::Read { path: path.clone(), cause: e })?;
        let shown = crate::diagnostic::path_shown(&path);
        return serde_json::from_slice(&bytes)
            .map_err(|e| Error::Changes(format!("`{shown}` cannot be read ({e})")));
    }
    // A folder of trustmap.toml as a plain path relative to the workspace root.
    let rel = |p: &Path| {
        let p = p.strip_prefix(&workspace.root).unwrap_or(p);
        let parts = p.components().filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy()),
            _ => None,
        });
        parts.collect::<Vec<_>>().join("/")
    };
    // The revision's own folders, when its trustmap.toml names them; else today's.
    let config =
        crate::provenance::files_at(&workspace.root, since, &["trustmap.toml"]).map_err(Error::Changes)?;
    let then_config = config.first().and_then(|(_, bytes)| {
        toml::from_str::<crate::workspace::Config>(&String::from_utf8_lossy(bytes)).ok()
    });
    let folders = then_config.as_ref().unwrap_or(&workspace.config);
    let (assessments, plans) = (rel(&folders.assessments), rel(&folders.plans));
    let files = crate::provenance::files_at(&workspace.root, since, &[&assessments, &plans, "trustmap.toml"])
        .map_err(Error::Changes)?;
    let dir = tempfile::tempdir()?;
    for (path, bytes) in files {
        // `files_at` gives plain relative paths only; a new file each, never through a link.
        let target = dir.path().join(&path);
        if !target.starts_with(dir.path()) {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::OpenOptions::new().write(true).create_new(true).open(&target)?.write_all(&bytes)?;
    }
    std::fs::create_dir_all(dir.path().join(&assessments))?;
    // Without a trustmap.toml of its own the revision is read with today's folders, and the
    // search for a workspace stops in the temporary folder.
    let config = dir.path().join("trustmap.toml");
    if !config.exists() {
        std::fs::write(&config, format!("assessments = {assessments:?}\nplans = {plans:?}\n"))?;
    }
    // The files were written by this process, so the folder is this user's own. The problems of
    // the earlier files were reported then: they are not today's.
    let then = Workspace::find(dir.path(), false)?;
    Ok(Snapshot::of(&evaluate_workspace(&then, &crate::reporter::Silent)?))
}

/// What changed from one snapshot to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changes {
    /// What was compared against: a revision or a folder, as the user named it.
    pub since: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// The partners in both with something changed, by name.
    pub partners: Vec<PartnerChanges>,
    /// The partners in both with nothing changed.
    pub unchanged: usize,
    pub summary: Summary,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerChanges {
    pub id: String,
    pub name: String,
    pub round_before: Date,
    pub round_now: Date,
    pub overall: VerdictChange,
    /// The propositions whose verdict or score changed.
    pub propositions: Vec<PropositionChange>,
    pub flags_raised: Vec<FlagSnapshot>,
    pub flags_resolved: Vec<FlagSnapshot>,
    /// Actions new or reopened, and actions done or dropped since.
    pub actions_opened: Vec<String>,
    pub actions_closed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerdictChange {
    pub before: Verdict,
    pub after: Verdict,
    pub score_before: Option<f64>,
    pub score_after: Option<f64>,
    /// In points, when both are known.
    pub delta: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PropositionChange {
    pub id: PropositionId,
    #[serde(flatten)]
    pub change: VerdictChange,
}

/// The network in summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Proposition verdicts that got better, and worse (insufficient data counts as neither).
    pub better: usize,
    pub worse: usize,
    pub flags_raised: usize,
    pub flags_resolved: usize,
    pub actions_opened: usize,
    pub actions_closed: usize,
}

impl VerdictChange {
    fn new(before: Verdict, after: Verdict, score_before: Option<f64>, score_after: Option<f64>) -> Self {
        let delta = score_before.zip(score_after).map(|(b, a)| round1(a - b));
        VerdictChange { before, after, score_before, score_after, delta }
    }

    fn changed(&self) -> bool {
        self.before != self.after
            || self.delta.is_some_and(|d| d != 0.0)
            || self.score_before.is_some() != self.score_after.is_some()
    }

    /// +1 better, -1 worse, 0 the same or not comparable (verdicts are declared best first).
    fn direction(&self) -> i32 {
        match (self.before, self.after) {
            (Verdict::Insufficient, _) | (_, Verdict::Insufficient) => 0,
            (b, a) if a < b => 1,
            (b, a) if a > b => -1,
            _ => 0,
        }
    }
}

/// The changes from `before` to `after`; `since` names `before`.
pub fn compare(before: &Snapshot, after: &Snapshot, since: &str) -> Changes {
    let old: BTreeMap<&str, &PartnerSnapshot> = before.partners.iter().map(|p| (p.id.as_str(), p)).collect();
    let new: BTreeMap<&str, &PartnerSnapshot> = after.partners.iter().map(|p| (p.id.as_str(), p)).collect();
    let names = |map: &BTreeMap<&str, &PartnerSnapshot>, other: &BTreeMap<&str, &PartnerSnapshot>| {
        let mut names: Vec<String> =
            map.iter().filter(|(id, _)| !other.contains_key(*id)).map(|(_, p)| p.name.clone()).collect();
        names.sort();
        names
    };
    let mut changes = Changes {
        since: since.to_string(),
        added: names(&new, &old),
        removed: names(&old, &new),
        partners: Vec::new(),
        unchanged: 0,
        summary: Summary::default(),
    };
    for (id, now) in &new {
        let Some(then) = old.get(id) else { continue };
        let c = partner(then, now);
        let s = &mut changes.summary;
        for p in &c.propositions {
            match p.change.direction() {
                1 => s.better += 1,
                -1 => s.worse += 1,
                _ => {}
            }
        }
        s.flags_raised += c.flags_raised.len();
        s.flags_resolved += c.flags_resolved.len();
        s.actions_opened += c.actions_opened.len();
        s.actions_closed += c.actions_closed.len();
        let quiet = !c.overall.changed()
            && c.propositions.is_empty()
            && c.flags_raised.is_empty()
            && c.flags_resolved.is_empty()
            && c.actions_opened.is_empty()
            && c.actions_closed.is_empty();
        if quiet {
            changes.unchanged += 1;
        } else {
            changes.partners.push(c);
        }
    }
    changes.partners.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    changes
}

fn partner(then: &PartnerSnapshot, now: &PartnerSnapshot) -> PartnerChanges {
    let propositions = (now.propositions.iter())
        .filter_map(|p| {
            let before = then.propositions.iter().find(|b| b.id == p.id)?;
            let change = VerdictChange::new(before.verdict, p.verdict, before.score, p.score);
            change.changed().then_some(PropositionChange { id: p.id, change })
        })
        .collect();
    let (old_flags, new_flags): (BTreeSet<_>, BTreeSet<_>) =
        (then.flags.iter().collect(), now.flags.iter().collect());
    let open = |s: &PartnerSnapshot, id: &str| s.actions.iter().find(|a| a.id == id).map(|a| a.status.open());
    let actions_opened = now
        .actions
        .iter()
        .filter(|a| a.status.open() && open(then, &a.id) != Some(true))
        .map(|a| a.id.clone())
        .collect();
    let actions_closed = now
        .actions
        .iter()
        .filter(|a| !a.status.open() && open(then, &a.id) != Some(false))
        .map(|a| a.id.clone())
        .collect();
    PartnerChanges {
        id: now.id.clone(),
        name: now.name.clone(),
        round_before: then.date,
        round_now: now.date,
        overall: VerdictChange::new(then.overall_verdict, now.overall_verdict, then.overall, now.overall),
        propositions,
        flags_raised: new_flags.difference(&old_flags).map(|f| (*f).clone()).collect(),
        flags_resolved: old_flags.difference(&new_flags).map(|f| (*f).clone()).collect(),
        actions_opened,
        actions_closed,
    }
}

/// The changes as text for a terminal, in `lang`'s words and numbers.
pub fn text(c: &Changes, lang: crate::model::Lang) -> String {
    use std::fmt::Write as _;
    let labels = crate::render::labels::Labels::builtin();
    let t = |key: &str| labels.text(key, lang);
    let verdict = |v: Verdict| labels.text(&format!("verdicts.{v}"), lang);
    let flag = |f: &FlagSnapshot| {
        let name = labels.text(&format!("flag_names.{}", f.code), lang);
        f.proposition.map_or(name.clone(), |p| format!("{name} ({p})"))
    };
    let signed = |d: Option<f64>| d.map_or_else(|| "–".into(), |d| number(d, lang, true));
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", t("changes_since"), c.since);
    let s = &c.summary;
    let _ = writeln!(
        out,
        "{}: {} {}, {} {} · {}: +{} −{} · {}: +{} −{}",
        t("propositions_count"),
        s.better,
        t("better"),
        s.worse,
        t("worse"),
        t("flags"),
        s.flags_raised,
        s.flags_resolved,
        t("actions_heading"),
        s.actions_opened,
        s.actions_closed
    );
    if !c.added.is_empty() {
        let _ = writeln!(out, "{}: {}", t("partners_added"), c.added.join(", "));
    }
    if !c.removed.is_empty() {
        let _ = writeln!(out, "{}: {}", t("partners_removed"), c.removed.join(", "));
    }
    for p in &c.partners {
        let o = &p.overall;
        let _ = writeln!(
            out,
            "\n{} ({} → {}): {} → {} ({})",
            p.name,
            p.round_before,
            p.round_now,
            verdict(o.before),
            verdict(o.after),
            signed(o.delta)
        );
        for r in &p.propositions {
            let ch = &r.change;
            let _ = writeln!(
                out,
                "  {}  {} → {}  {}",
                r.id,
                verdict(ch.before),
                verdict(ch.after),
                signed(ch.delta)
            );
        }
        for (key, flags) in [("flags_raised", &p.flags_raised), ("flags_resolved", &p.flags_resolved)] {
            if !flags.is_empty() {
                let _ =
                    writeln!(out, "  {}: {}", t(key), flags.iter().map(flag).collect::<Vec<_>>().join(", "));
            }
        }
        for (key, ids) in [("actions_opened", &p.actions_opened), ("actions_closed", &p.actions_closed)] {
            if !ids.is_empty() {
                let _ = writeln!(out, "  {}: {}", t(key), ids.join(", "));
            }
        }
    }
    if c.unchanged > 0 {
        let _ = writeln!(out, "\n{}: {}", t("unchanged_partners"), c.unchanged);
    }
    out
}
