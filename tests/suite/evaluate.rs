//! The scoring model: every rule just firing and just not firing at its threshold, rounds, both
//! sides, several respondents, the network aggregates, config overrides, and the CLI output.

use std::collections::BTreeMap;
use std::path::PathBuf;

use trustmap::evaluate::{EvaluationConfig, evaluate};
use trustmap::model::{
    Answer, Assessment, Date, Evaluation, FlagSeverity, Frequency, Person, Perspective, Role, Status, Verdict,
};

use super::{trustmap, workspace};

/// An assessment of partner `id` on `date` with the given scores.
fn file(id: &str, date: &str, scores: &[(&str, u8)]) -> Assessment {
    let answers = scores
        .iter()
        .map(|(q, s)| ((*q).to_owned(), Answer { score: Some(*s), ..Answer::default() }))
        .collect::<BTreeMap<_, _>>();
    Assessment {
        source: PathBuf::from(format!("{id}-{date}.yaml")),
        partner: id.to_uppercase(),
        id: id.into(),
        role: Role::Supplier,
        strategic: false,
        status: Status::Current,
        date: Date::parse(date).unwrap(),
        perspective: Perspective::Own,
        respondent: None,
        assessor: None,
        lang: None,
        answers,
        spans: BTreeMap::new(),
    }
}

fn person(name: &str, contact: Frequency) -> Person {
    Person { name: name.into(), role: None, contact: Some(contact) }
}

/// Sets extra fields on an answer of an assessment.
fn with(mut a: Assessment, question: &str, edit: impl FnOnce(&mut Answer)) -> Assessment {
    edit(a.answers.entry(question.into()).or_default());
    a
}

fn codes(e: &Evaluation) -> Vec<&str> {
    e.partners[0].flags.iter().map(|f| f.code.as_str()).collect()
}

fn fires(files: &[Assessment], code: &str) -> bool {
    codes(&evaluate(files, &EvaluationConfig::default())).contains(&code)
}

const TRUST: [&str; 4] = ["trust.expertise", "trust.keeps_agreements", "trust.benevolence", "trust.openness"];
const VULN: [&str; 3] = [
    "vulnerability.sensitive_information",
    "vulnerability.oral_agreements",
    "vulnerability.joint_improvement",
];

fn scores(ids: &[&'static str], values: &[u8]) -> Vec<(&'static str, u8)> {
    ids.iter().copied().zip(values.iter().copied()).collect()
}

#[test]
fn each_rule_fires_at_its_threshold_and_not_just_below() {
    let people = |partner: usize, own: usize, contact: Frequency| {
        let mut a = file("p", "2026-01-01", &[]);
        a = with(a, "key_people.partner_influence", |x| {
            x.people = (0..partner).map(|i| person(&format!("T{i}"), contact)).collect()
        });
        with(a, "key_people.own_ambassador", |x| {
            x.people = (0..own).map(|i| person(&format!("O{i}"), contact)).collect()
        })
    };
    let growth = |pct: f64, share: f64, item: (&'static str, u8)| {
        with(file("p", "2026-01-01", &[item]), "growth.order_portfolio", |x| {
            x.growth_pct = Some(pct);
            x.revenue_share_pct = Some(share);
        })
    };
    let breach = |resolved: Option<bool>| {
        with(file("p", "2026-01-01", &[]), "exchange.breaches", |x| {
            x.breach = Some(true);
            x.resolved = resolved;
        })
    };
    let trust_and = |trust: [u8; 4], more: &[(&'static str, u8)]| {
        let mut s = scores(&TRUST, &trust);
        s.extend_from_slice(more);
        file("p", "2026-01-01", &s)
    };
    // (code, case that just fires, case that just does not)
    let cases: Vec<(&str, Assessment, Assessment)> = vec![
        ("trust-dimension-low", trust_and([4, 4, 2, 4], &[]), trust_and([4, 4, 3, 4], &[])),
        (
            "trust-not-acted-on",
            file("p", "2026-01-01", &[scores(&TRUST, &[4, 4, 4, 4]), scores(&VULN, &[3, 3, 2])].concat()),
            file("p", "2026-01-01", &[scores(&TRUST, &[4, 4, 4, 4]), scores(&VULN, &[3, 3, 3])].concat()),
        ),
        (
            "asymmetric-dependence",
            file(
                "p",
                "2026-01-01",
                &[("dependence.our_competences", 2), ("dependence.their_competences", 4)],
            ),
            file(
                "p",
                "2026-01-01",
                &[("dependence.our_competences", 3), ("dependence.their_competences", 4)],
            ),
        ),
        (
            "one-sided-investment",
            file("p", "2026-01-01", &[("commitment.specific_investments", 2)]),
            file("p", "2026-01-01", &[("commitment.specific_investments", 3)]),
        ),
        (
            "calculative-commitment",
            trust_and([3, 3, 3, 3], &[("commitment.safeguards", 4)]),
            trust_and([3, 3, 3, 4], &[("commitment.safeguards", 4)]),
        ),
        (
            "unreciprocated-vulnerability",
            file("p", "2026-01-01", &[("exchange.partner_vulnerability", 2)]),
            file("p", "2026-01-01", &[("exchange.partner_vulnerability", 3)]),
        ),
        ("unresolved-breach", breach(None), breach(Some(true))),
        ("single-key-person", people(1, 2, Frequency::Weekly), people(2, 2, Frequency::Weekly)),
        ("infrequent-contact", people(2, 2, Frequency::Quarterly), people(2, 2, Frequency::Monthly)),
        (
            "growth-dependence",
            growth(20.0, 0.0, ("growth.dependence_measures", 2)),
            growth(19.9, 29.9, ("growth.dependence_measures", 2)),
        ),
        (
            "key-people-overstretched",
            growth(0.0, 0.0, ("growth.key_people_capacity", 2)),
            growth(10.0, 0.0, ("growth.key_people_capacity", 3)),
        ),
    ];
    for (code, firing, quiet) in &cases {
        assert!(fires(std::slice::from_ref(firing), code), "{code} should fire");
        assert!(!fires(std::slice::from_ref(quiet), code), "{code} should not fire");
    }
}

#[test]
fn growth_dependence_also_fires_on_revenue_share_and_needs_weak_control() {
    let a = |share: f64, shift: u8, measures: u8| {
        with(
            file(
                "p",
                "2026-01-01",
                &[("growth.dependence_shift", shift), ("growth.dependence_measures", measures)],
            ),
            "growth.order_portfolio",
            |x| x.revenue_share_pct = Some(share),
        )
    };
    assert!(fires(&[a(30.0, 2, 3)], "growth-dependence"));
    assert!(!fires(&[a(30.0, 3, 3)], "growth-dependence"));
}

#[test]
fn breach_severity_depends_on_what_is_known() {
    let a = |resolved| {
        with(file("p", "2026-01-01", &[]), "exchange.breaches", |x| {
            x.breach = Some(true);
            x.resolved = resolved;
        })
    };
    let severity = |a: Assessment| {
        let e = evaluate(&[a], &EvaluationConfig::default());
        e.partners[0].flags.iter().find(|f| f.code.as_str() == "unresolved-breach").map(|f| f.severity)
    };
    assert_eq!(severity(a(Some(false))), Some(FlagSeverity::Critical));
    assert_eq!(severity(a(None)), Some(FlagSeverity::Warning));
    assert_eq!(severity(a(Some(true))), None);
}

#[test]
fn scores_coverage_and_verdicts_follow_the_documented_formula() {
    // P3 maps three items of weight 1. Answers 4 and 3: (75 + 50) / 2 = 62.5, coverage 2/3.
    let e = evaluate(
        &[file(
            "p",
            "2026-01-01",
            &[("exchange.partner_vulnerability", 4), ("exchange.own_vulnerability", 3)],
        )],
        &EvaluationConfig::default(),
    );
    let p3 = &e.partners[0].propositions[2];
    assert_eq!(p3.id, trustmap::model::PropositionId::P3);
    assert_eq!(p3.score, Some(62.5));
    assert_eq!(p3.coverage, 66.7);
    assert_eq!(p3.items, 2);
    assert_eq!(p3.verdict, Verdict::Adequate);
    assert_eq!(p3.evidence.len(), 2);
    // One item is too few: the score is still reported, the verdict is insufficient.
    let e = evaluate(&[file("p", "2026-01-01", &[("exchange.breaches", 5)])], &EvaluationConfig::default());
    let p3 = &e.partners[0].propositions[2];
    assert_eq!((p3.score, p3.verdict), (Some(100.0), Verdict::Insufficient));
    // P2's half weights: needs 5 and 1 (0.5 each) and balance 3 (1): (50 + 0 + 50) / 2 = 50.
    let e = evaluate(
        &[file(
            "p",
            "2026-01-01",
            &[
                ("dependence.our_competences", 5),
                ("dependence.their_competences", 1),
                ("dependence.balance", 3),
            ],
        )],
        &EvaluationConfig::default(),
    );
    let p2 = &e.partners[0].propositions[1];
    assert_eq!(p2.score, Some(50.0));
    let asym = p2.subscores.iter().find(|s| s.id == "asymmetry").unwrap();
    assert_eq!(asym.score, Some(100.0));
}

#[test]
fn bands_are_inclusive_lower_bounds() {
    let verdict = |s: u8| {
        let e = evaluate(
            &[file(
                "p",
                "2026-01-01",
                &[
                    ("exchange.partner_vulnerability", s),
                    ("exchange.own_vulnerability", s),
                    ("exchange.breaches", s),
                ],
            )],
            &EvaluationConfig::default(),
        );
        e.partners[0].propositions[2].verdict
    };
    assert_eq!(verdict(5), Verdict::Strong);
    assert_eq!(verdict(4), Verdict::Strong); // 75 is the strong band's bound
    assert_eq!(verdict(3), Verdict::AtRisk); // 50: above at_risk (35), below adequate (55)
    assert_eq!(verdict(2), Verdict::Critical); // 25
}

#[test]
fn rounds_give_deltas_and_declining_at_the_threshold() {
    let old = file("p", "2025-09-01", &[("trust.expertise", 4), ("trust.keeps_agreements", 4)]);
    let new = |a, b| file("p", "2026-03-01", &[("trust.expertise", a), ("trust.keeps_agreements", b)]);
    let mut cfg = EvaluationConfig::default();
    cfg.flags.declining = 12.5;
    let e = evaluate(&[old.clone(), new(4, 3)], &cfg);
    let p1 = &e.partners[0].propositions[0];
    assert_eq!((p1.score, p1.previous, p1.delta), (Some(62.5), Some(75.0), Some(-12.5)));
    assert_eq!(e.partners[0].date.to_string(), "2026-03-01");
    assert_eq!(e.partners[0].rounds.len(), 2);
    assert!(codes(&e).contains(&"declining"));
    cfg.flags.declining = 12.6;
    assert!(!codes(&evaluate(&[old, new(4, 3)], &cfg)).contains(&"declining"));
}

#[test]
fn the_partners_view_gives_a_signed_gap_and_flags_large_ones() {
    let own = file("p", "2026-03-01", &[("trust.expertise", 4), ("trust.keeps_agreements", 4)]);
    let theirs = |a, b| Assessment {
        perspective: Perspective::Partner,
        ..file("p", "2026-03-01", &[("trust.expertise", a), ("trust.keeps_agreements", b)])
    };
    let e = evaluate(&[own.clone(), theirs(3, 3)], &EvaluationConfig::default());
    let p1 = &e.partners[0].propositions[0];
    assert_eq!((p1.score, p1.partner_view, p1.gap), (Some(75.0), Some(50.0), Some(25.0)));
    assert_eq!(e.partners[0].perspective, Perspective::Own);
    assert!(codes(&e).contains(&"perception-gap"));
    let e = evaluate(&[own, theirs(4, 3)], &EvaluationConfig::default());
    assert_eq!(e.partners[0].propositions[0].gap, Some(12.5));
    assert!(!codes(&e).contains(&"perception-gap"));
}

#[test]
fn respondents_are_combined_with_their_spread() {
    let by = |who: &str, s: u8| Assessment {
        respondent: Some(who.into()),
        source: PathBuf::from(format!("p-{who}.yaml")),
        ..file("p", "2026-03-01", &[("trust.expertise", s), ("trust.openness", 4)])
    };
    let e = evaluate(&[by("ann", 2), by("bob", 4)], &EvaluationConfig::default());
    let p = &e.partners[0];
    assert_eq!(p.respondents, ["ann", "bob"]);
    let expertise = p.answers.iter().find(|a| a.question == "trust.expertise").unwrap();
    assert_eq!((expertise.score, expertise.spread), (Some(3.0), Some(2)));
    assert!(codes(&e).contains(&"no-consensus"));
    let e = evaluate(&[by("ann", 3), by("bob", 4)], &EvaluationConfig::default());
    assert!(!codes(&e).contains(&"no-consensus"));
}

#[test]
fn a_desired_partner_is_a_prospect() {
    let a = Assessment { status: Status::Desired, ..file("p", "2026-01-01", &[("trust.benevolence", 1)]) };
    let e = evaluate(&[a], &EvaluationConfig::default());
    let flags = &e.partners[0].flags;
    assert_eq!(flags[0].code.as_str(), "prospect");
    assert!(flags.iter().all(|f| f.severity == FlagSeverity::Info), "{flags:?}");
    assert!(flags.iter().any(|f| f.code.as_str() == "trust-dimension-low"));
    assert!(e.network.propositions[0].verdicts.is_empty(), "prospects are not in the distribution");
    assert_eq!(e.network.desired, ["p"]);
}

#[test]
fn the_network_aggregates_over_partners() {
    let dependent = |id: &str, ours, theirs, share| {
        with(
            file(
                id,
                "2026-01-01",
                &[("dependence.our_competences", ours), ("dependence.their_competences", theirs)],
            ),
            "growth.order_portfolio",
            |x| x.revenue_share_pct = Some(share),
        )
    };
    let marieke = |a: Assessment| {
        with(a, "key_people.own_confidant", |x| x.people = vec![person("Marieke Jansen", Frequency::Monthly)])
    };
    // The same, with a colleague beside her: backed up, not a bottleneck.
    let backed_up = |a: Assessment| {
        with(a, "key_people.own_confidant", |x| {
            x.people = vec![
                person("Marieke Jansen", Frequency::Monthly),
                person("Piet de Vries", Frequency::Monthly),
            ]
        })
    };
    let files = vec![
        backed_up(dependent("a", 2, 5, 30.0)),
        backed_up(dependent("b", 3, 4, 12.5)),
        backed_up(dependent("c", 4, 2, 50.0)),
        dependent("d", 3, 3, 5.0),
    ];
    let e = evaluate(&files, &EvaluationConfig::default());
    let n = &e.network;
    assert_eq!(n.partners, 4);
    let dependent_ids: Vec<&str> = n.dependent_on.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(dependent_ids, ["a", "b"]);
    assert_eq!(n.dependent_revenue_share_pct, 42.5);
    assert_eq!(n.key_person_load[0].name, "Marieke Jansen");
    assert_eq!(n.key_person_load[0].partners, ["a", "b", "c"]);
    let codes: Vec<&str> = n.flags.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["dependence-exposure"], "backed up by a colleague everywhere: no bottleneck");
    assert_eq!(n.flags[0].severity, FlagSeverity::Warning, "42.5% of revenue: between 30% and 50%");
    assert_eq!(n.flags[0].evidence, ["a", "b"]);
    // Alone in three of the four relationships: a bottleneck.
    let alone: Vec<Assessment> =
        files[..3].iter().map(|a| marieke(a.clone())).chain([files[3].clone()]).collect();
    let e = evaluate(&alone, &EvaluationConfig::default());
    let bottleneck = e.network.flags.iter().find(|f| f.code.as_str() == "key-person-bottleneck").unwrap();
    assert_eq!(bottleneck.severity, FlagSeverity::Warning, "no capacity answer says she is short of time");
    assert_eq!(bottleneck.evidence, ["a", "b", "c"]);
    assert!(bottleneck.message.en.contains("Marieke Jansen"), "{}", bottleneck.message.en);
    assert_eq!(e.network.lacking_data.len(), 4);
    let p2 = &e.network.propositions[1];
    assert_eq!(p2.verdicts.values().sum::<usize>(), 4);
}

#[test]
fn config_overrides_weights_bands_and_thresholds() {
    let text = r#"
[evaluation]
bands = { strong = 90, adequate = 60, at_risk = 40 }
[evaluation.weights.P3]
"exchange.own_vulnerability" = 3.0
[evaluation.flags]
asymmetry_gap = 1
"#;
    let cfg = trustmap::workspace::Config::parse(std::path::Path::new("t.toml"), text).unwrap().evaluation;
    let a = file(
        "p",
        "2026-01-01",
        &[
            ("exchange.partner_vulnerability", 5),
            ("exchange.own_vulnerability", 3),
            ("dependence.our_competences", 3),
            ("dependence.their_competences", 4),
        ],
    );
    let e = evaluate(std::slice::from_ref(&a), &cfg);
    let p3 = &e.partners[0].propositions[2];
    // (100 * 1 + 50 * 3) / 4 = 62.5: adequate under the new bands (60), not strong.
    assert_eq!((p3.score, p3.verdict), (Some(62.5), Verdict::Adequate));
    assert!(codes(&e).contains(&"asymmetric-dependence"));
    assert!(!fires(&[a], "asymmetric-dependence"));
}

#[test]
fn caps_and_defining_items_are_configurable() {
    let config = |text: &str| {
        trustmap::workspace::Config::parse(std::path::Path::new("t.toml"), text).unwrap().evaluation
    };
    let trust = [
        ("trust.expertise", 5),
        ("trust.keeps_agreements", 1),
        ("trust.benevolence", 5),
        ("trust.openness", 5),
        ("vulnerability.sensitive_information", 5),
        ("vulnerability.oral_agreements", 5),
        ("vulnerability.joint_improvement", 5),
    ];
    let p1 = |scores: &[(&str, u8)], cfg: &EvaluationConfig| {
        evaluate(&[file("p", "2026-01-01", scores)], cfg).partners[0].propositions[0].clone()
    };
    // By default agreements routinely broken hold P1 at at_risk, and the result says why.
    let r = p1(&trust, &EvaluationConfig::default());
    assert_eq!((r.banded, r.verdict), (Verdict::Strong, Verdict::AtRisk));
    assert_eq!(r.caps[0].rule.as_str(), "trust-item-critical");
    assert_eq!(r.caps[0].evidence, ["trust.keeps_agreements"]);
    // A limit of `strong` turns the cap off.
    let r = p1(&trust, &config("[evaluation.caps]\ntrust_item_critical = \"strong\"\n"));
    assert_eq!((r.verdict, r.caps.len()), (Verdict::Strong, 0));
    // Without the willingness to be vulnerable, P1 is held at adequate and says what is missing;
    // `insufficient` refuses the verdict; `required` can drop the group.
    let trustworthy: Vec<(&str, u8)> =
        trust.iter().copied().filter(|(i, _)| i.starts_with("trust.")).map(|(i, _)| (i, 5)).collect();
    let r = p1(&trustworthy, &EvaluationConfig::default());
    assert_eq!((r.verdict, r.missing.len()), (Verdict::Adequate, 3));
    let r = p1(&trustworthy, &config("[evaluation.caps]\nmissing_required = \"insufficient\"\n"));
    assert_eq!(r.verdict, Verdict::Insufficient);
    let r = p1(&trustworthy, &config("[evaluation.required]\nP1 = []\n"));
    assert_eq!((r.verdict, r.missing.len()), (Verdict::Strong, 0));
}

#[test]
fn invalid_evaluation_settings_are_rejected() {
    for (text, expected) in [
        ("[evaluation]\nbands = { strong = 50, adequate = 60, at_risk = 40 }\n", "strong > adequate"),
        ("[evaluation.weights.P9]\n\"trust.expertise\" = 1.0\n", "unknown proposition `P9`"),
        ("[evaluation.weights.P1]\n\"exchange.breaches\" = 1.0\n", "does not inform P1"),
        ("[evaluation.flags]\ndeclinig = 10.0\n", "unknown field `declinig`"),
        ("[evaluation.flags]\ntrust_dimension_low = 7\n", "from 1 to 5"),
        ("[evaluation.required]\nP1 = [[\"exchange.breaches\"]]\n", "`exchange.breaches` does not inform P1"),
        ("[evaluation.caps]\nbreach_damaging = \"terrible\"\n", "unknown variant `terrible`"),
        (
            "[evaluation.flags]\nconcentration_warning = 60.0\n",
            "concentration_warning <= concentration_critical",
        ),
    ] {
        let err = trustmap::workspace::Config::parse(std::path::Path::new("t.toml"), text).unwrap_err();
        assert!(err.to_string().contains(expected), "{text}: {err}");
    }
}

#[test]
fn the_cli_prints_a_table_and_stable_json() {
    let dir = workspace(&[
        (
            "a.yaml",
            "partner: Alfa\nrole: customer\ndate: 2026-01-01\nanswers:\n  trust.expertise: 2\n  trust.openness: 4\n",
        ),
        ("b.yaml", "partner: Beta\nrole: supplier\ndate: 2026-01-01\nanswers:\n  trust.expertise: 9\n"),
    ]);
    let run = trustmap(dir.path(), &["evaluate", "--format", "json", "--lang", "en", "."]);
    assert_eq!(run.code, 1, "the broken file makes the exit code 1");
    assert!(run.stderr.contains("b.yaml:5:20\n"), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let partners = json["partners"].as_array().unwrap();
    assert_eq!(partners.len(), 1, "the valid partner is still evaluated");
    let p = &partners[0];
    assert_eq!(p["id"], "alfa");
    assert_eq!(p["propositions"][0]["id"], "P1");
    assert_eq!(p["propositions"][0]["score"], 50.0);
    assert_eq!(p["propositions"][0]["delta"], serde_json::Value::Null);
    assert_eq!(p["flags"][0]["code"], "trust-dimension-low");
    assert!(p["flags"][0]["message"]["nl"].is_string());
    assert!(json["network"]["propositions"].is_array());
    let text = trustmap(dir.path(), &["evaluate", "--lang", "en", "a.yaml"]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("P1 Trust"), "{}", text.stdout);
    assert!(text.stdout.contains("trust-dimension-low"), "{}", text.stdout);
}

#[test]
fn the_samples_show_every_kind_of_result() {
    let run = trustmap(&super::samples(), &["evaluate", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut seen: Vec<String> = json["partners"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["flags"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()))
        .chain(
            json["network"]["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap().to_owned()),
        )
        .collect();
    seen.sort();
    seen.dedup();
    let mut all: Vec<String> = trustmap::model::FlagCode::ALL.iter().map(|c| (*c).to_owned()).collect();
    all.sort();
    assert_eq!(seen, all, "the samples raise every flag");
    let has = |key: &str| {
        json["partners"].as_array().unwrap().iter().any(|p| p["propositions"][0][key].is_number())
    };
    assert!(has("delta") && has("partner_view"));
    let again = trustmap(&super::samples(), &["evaluate", "--format", "json"]);
    assert_eq!(again.stdout, run.stdout, "same inputs, same bytes");
}

#[test]
fn the_csv_is_the_evaluation_a_row_per_partner_and_proposition() {
    let json = trustmap(&super::samples(), &["evaluate", "--format", "json"]);
    let csv = trustmap(&super::samples(), &["evaluate", "--format", "csv"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let evaluation: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let partners = evaluation["partners"].as_array().unwrap();
    assert_eq!(rows.len(), partners.len() * 5);
    for (row, (p, r)) in rows
        .iter()
        .zip(partners.iter().flat_map(|p| p["propositions"].as_array().unwrap().iter().map(move |r| (p, r))))
    {
        assert_eq!(&row[column("partner_id")], p["id"].as_str().unwrap());
        assert_eq!(&row[column("proposition")], r["id"].as_str().unwrap());
        assert_eq!(&row[column("verdict")], r["verdict"].as_str().unwrap());
        assert_eq!(&row[column("overall_verdict")], p["overall_verdict"].as_str().unwrap());
        let score = r["score"].as_f64().map(|s| format!("{s:.1}")).unwrap_or_default();
        assert_eq!(row[column("score")], score);
        let on_it = p["flags"].as_array().unwrap().iter().filter(|f| f["proposition"] == r["id"]);
        assert_eq!(row[column("flags")], on_it.clone().count().to_string());
        let critical = on_it.filter(|f| f["severity"] == "critical").count();
        assert_eq!(row[column("flags_critical")], critical.to_string());
    }
    assert!(rows.iter().any(|r| &r[column("flags")] != "0"), "the samples raise flags");
}

#[test]
fn a_name_a_spreadsheet_would_run_is_written_as_text() {
    let dir = workspace(&[(
        "a.yaml",
        "partner: \"=HYPERLINK(\\\"http://evil.example\\\",\\\"click\\\")\"\nid: evil\nrole: supplier\ndate: 2026-03-15\nanswers:\n  trust.expertise: 4\n",
    )]);
    let run = trustmap(dir.path(), &["evaluate", "--format", "csv", "a.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[1], "'=HYPERLINK(\"http://evil.example\",\"click\")");
}

/// Whether a workbook's cell holds what the CSV's `field` says: the same text, the number with
/// one decimal (a count without), true/false, a date as `YYYY-MM-DD` (Excel's serial day,
/// counted from 1899-12-30).
fn same_as_csv(field: &str, cell: &calamine::Data) -> bool {
    use calamine::Data;
    match cell {
        Data::Empty => field.is_empty(),
        Data::String(s) => s == field,
        Data::Float(x) if field.contains('.') => format!("{x:.1}") == field,
        Data::Float(x) => format!("{x:.0}") == field,
        Data::Bool(b) => b.to_string() == field,
        // Excel's serial day 25,569 is 1970-01-01.
        Data::DateTime(d) => {
            trustmap::model::Date::from_days(d.as_f64() as i64 - 25_569).to_string() == field
        }
        _ => false,
    }
}

#[test]
fn a_workbook_is_not_written_to_a_terminal() {
    let (shown, code) = super::on_terminal(&super::samples(), &["evaluate", "--format", "xlsx"], 80);
    assert_eq!(code, 2, "{shown}");
    assert!(shown.contains("not for the terminal") && shown.contains("--output"), "{shown}");
    assert!(!shown.contains("PK"), "no zip bytes on the terminal: {shown}");
}

#[test]
fn the_workbook_holds_the_csvs_rows_typed_and_names_stay_text() {
    use calamine::Reader as _;
    let dir = workspace(&[]);
    super::copy_dir(&super::samples(), dir.path());
    let csv = trustmap(dir.path(), &["evaluate", "--format", "csv"]);
    for name in ["one.xlsx", "two.xlsx"] {
        let run = trustmap(dir.path(), &["evaluate", "--format", "xlsx", "--output", name]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let bytes = std::fs::read(dir.path().join("one.xlsx")).unwrap();
    assert_eq!(bytes, std::fs::read(dir.path().join("two.xlsx")).unwrap(), "same inputs, same bytes");
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = workbook.worksheet_range("evaluation").unwrap();
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let mut expected = vec![reader.headers().unwrap().clone()];
    expected.extend(reader.records().map(Result::unwrap));
    assert_eq!(sheet.rows().count(), expected.len());
    for (r, (row, record)) in sheet.rows().zip(&expected).enumerate() {
        assert_eq!(row.len(), record.len());
        for (c, (cell, field)) in row.iter().zip(record).enumerate() {
            assert!(
                same_as_csv(field, cell),
                "row {r}, column {c}: {cell:?} in the workbook, {field:?} in the CSV"
            );
        }
    }
    // Typed: `strategic` a boolean, the date a date, a score a number.
    let row = sheet.rows().nth(1).unwrap();
    assert!(
        matches!(row[3], calamine::Data::Bool(_)) && matches!(row[5], calamine::Data::DateTime(_)),
        "{row:?}"
    );
    assert!(sheet.rows().skip(1).any(|r| matches!(r[11], calamine::Data::Float(_))));

    // A name that reads as a formula is a text cell as it is, with no `'` in front.
    let evil = workspace(&[(
        "a.yaml",
        "partner: \"=HYPERLINK(\\\"http://evil.example\\\",\\\"click\\\")\"\nid: evil\nrole: supplier\ndate: 2026-03-15\nanswers:\n  trust.expertise: 4\n",
    )]);
    // A date before Excel's first (1900) is a text cell, not a failed workbook.
    std::fs::write(
        evil.path().join("b.yaml"),
        "partner: Old\nrole: supplier\ndate: 1850-06-01\nanswers:\n  trust.expertise: 4\n",
    )
    .unwrap();
    let run = trustmap(evil.path(), &["evaluate", "--format", "xlsx", "-o", "e.xlsx", "a.yaml", "b.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(evil.path().join("e.xlsx")).unwrap();
    let sheet = workbook.worksheet_range("evaluation").unwrap();
    let name = calamine::Data::String("=HYPERLINK(\"http://evil.example\",\"click\")".into());
    assert_eq!(sheet.get((1, 1)), Some(&name));
    assert!(sheet.rows().any(|r| r[5] == calamine::Data::String("1850-06-01".into())));
}
