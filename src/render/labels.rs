//! The labels: every text a report shows that is not data, in both report languages. The
//! built-in table is `templates/labels.yaml`; a workspace's own `templates/labels.yaml` may
//! reword any entry, in one language or both. Templates reach labels through the `t` function,
//! which fails the report, naming the template and the key, for a key that does not exist.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use crate::diagnostic::{Diagnostic, Span, did_you_mean};
use crate::load::node::{Key, Node, Value, parse_yaml};
use crate::model::{Bilingual, Lang};
use crate::{Error, Result};

/// The file name of the table, built in and in a workspace's `templates/`.
pub const FILE: &str = "labels.yaml";

/// The built-in table's text.
pub const BUILTIN: &str = include_str!("../../templates/labels.yaml");

/// Every label by its dotted key (`partner_report`, `verdicts.at_risk`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Labels {
    entries: BTreeMap<String, Bilingual>,
}

impl Labels {
    /// The built-in table.
    pub fn builtin() -> &'static Labels {
        static TABLE: OnceLock<Labels> = OnceLock::new();
        TABLE.get_or_init(|| {
            // A test checks that the table parses and that every entry has both languages.
            let node = parse_yaml(BUILTIN).unwrap_or(Node::new(Value::Null, Span::START));
            let mut entries = BTreeMap::new();
            collect(&node, "", &mut |key, _, texts| {
                if let (Some(nl), Some(en)) = (texts.get("nl"), texts.get("en")) {
                    entries
                        .insert(key.to_owned(), Bilingual { nl: nl.clone().into(), en: en.clone().into() });
                }
            });
            Labels { entries }
        })
    }

    /// The built-in table with the rewordings of `templates/labels.yaml` in `user_dir`, if any.
    pub fn load(user_dir: Option<&Path>) -> Result<Labels> {
        let mut labels = Labels::builtin().clone();
        let Some((dir, path)) = user_dir.map(|dir| (dir, dir.join(FILE))).filter(|(_, p)| p.exists()) else {
            return Ok(labels);
        };
        let text = super::read_workspace_file(dir, &path)?;
        let invalid = |problems: Vec<Diagnostic>| Error::Labels {
            path: path.clone(),
            message: problems.iter().map(|d| d.render(Some(&text), false)).collect::<Vec<_>>().join("\n"),
        };
        let node = parse_yaml(&text)
            .map_err(|e| invalid(vec![Diagnostic::error(&path, e.span, "yaml", e.message)]))?;
        let mut problems = Vec::new();
        collect(&node, "", &mut |key, span, texts| match labels.entries.get_mut(key) {
            Some(entry) => {
                for (lang, text) in texts {
                    match lang.as_str() {
                        "nl" => entry.nl = text.into(),
                        _ => entry.en = text.into(),
                    }
                }
            }
            None => {
                let d = Diagnostic::error(&path, span, "unknown-label", format!("there is no label `{key}`"));
                problems.push(match did_you_mean(key, Labels::builtin().keys()) {
                    Some(help) => d.with_help(help),
                    None => d.with_help("`trustmap templates export` writes the built-in labels.yaml"),
                });
            }
        });
        check_shape(&path, &node, "", &mut problems);
        match problems.is_empty() {
            true => Ok(labels),
            false => Err(invalid(problems)),
        }
    }

    /// The text of `key` in `lang`, if the key exists.
    pub fn get(&self, key: &str, lang: Lang) -> Option<&str> {
        self.entries.get(key).map(|b| b.get(lang))
    }

    /// The text of a built-in key, for code (every key code uses is checked by a test).
    pub fn text(&self, key: &str, lang: Lang) -> String {
        self.get(key, lang).unwrap_or(key).to_owned()
    }

    /// Every key.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The error for an unknown `key`, with a suggestion.
    pub fn unknown(&self, key: &str) -> String {
        let mut message = format!("there is no label `{key}`");
        if let Some(help) = did_you_mean(key, self.keys()) {
            message = format!("{message}; {help}");
        }
        message
    }
}

/// Whether a mapping is one label (`{nl: …, en: …}`, either or both) rather than a table of them.
fn is_label(entries: &[(Key, Node)]) -> bool {
    !entries.is_empty()
        && entries
            .iter()
            .all(|(k, v)| matches!(k.name.as_str(), "nl" | "en") && !matches!(v.value, Value::Map(_)))
}

/// A label's texts by language (`nl`, `en`).
type Texts = BTreeMap<String, String>;

/// The key `name` under `prefix` (`verdicts` + `at_risk` is `verdicts.at_risk`).
fn dotted(prefix: &str, name: &str) -> String {
    if prefix.is_empty() { name.to_owned() } else { format!("{prefix}.{name}") }
}

/// Calls `found` with every label under `node`: its dotted key, where it stands, and its texts by
/// language.
fn collect(node: &Node, prefix: &str, found: &mut dyn FnMut(&str, Span, Texts)) {
    let Value::Map(entries) = &node.value else { return };
    for (key, value) in entries {
        let dotted = dotted(prefix, &key.name);
        match &value.value {
            Value::Map(inner) if is_label(inner) => {
                let texts = inner
                    .iter()
                    .filter_map(|(k, v)| match &v.value {
                        Value::Str(s) => Some((k.name.clone(), s.clone())),
                        _ => None,
                    })
                    .collect();
                found(&dotted, key.span, texts);
            }
            Value::Map(_) => collect(value, &dotted, found),
            _ => {}
        }
    }
}

/// Problems of form: anything that is neither a table of labels nor a label with text.
fn check_shape(path: &Path, node: &Node, prefix: &str, problems: &mut Vec<Diagnostic>) {
    let expected = "a label is written `key: {nl: \"…\", en: \"…\"}` (either language may be left out)";
    match &node.value {
        Value::Null if prefix.is_empty() => {}
        Value::Map(entries) if is_label(entries) => {
            for (_, v) in entries.iter().filter(|(_, v)| !matches!(v.value, Value::Str(_))) {
                problems.push(
                    Diagnostic::error(
                        path,
                        v.span,
                        "label-type",
                        format!("expected text, found {}", v.type_name()),
                    )
                    .with_help(expected),
                );
            }
        }
        Value::Map(entries) => {
            for (key, value) in entries {
                check_shape(path, value, &dotted(prefix, &key.name), problems);
            }
        }
        _ => problems.push(
            Diagnostic::error(
                path,
                node.span,
                "label-type",
                format!("expected a label or a table of labels, found {}", node.type_name()),
            )
            .with_help(expected),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CapRule, FlagSeverity, Frequency, Perspective, Role, Status, Verdict};

    #[test]
    fn the_built_in_table_has_both_languages_for_every_entry() {
        let node = parse_yaml(BUILTIN).unwrap();
        let mut count = 0;
        collect(&node, "", &mut |key, _, texts| {
            count += 1;
            assert!(texts.contains_key("nl") && texts.contains_key("en"), "{key}");
        });
        assert_eq!(count, Labels::builtin().keys().count());
        let mut problems = Vec::new();
        check_shape(Path::new(FILE), &node, "", &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn every_key_the_code_asks_for_exists() {
        let labels = Labels::builtin();
        let mut keys: Vec<String> = [
            "method_text",
            "our_view",
            "partner_view",
            "previous_round",
            "chart_radar",
            "chart_trend",
            "chart_map",
            "dependence_text",
            "network_report",
            "strategic",
            "desired",
        ]
        .map(String::from)
        .to_vec();
        keys.extend(Verdict::ALL.iter().map(|v| format!("verdicts.{v}")));
        keys.extend(Role::ALL.iter().map(|v| format!("roles.{v}")));
        keys.extend(Status::ALL.iter().map(|v| format!("statuses.{v}")));
        keys.extend(FlagSeverity::ALL.iter().map(|v| format!("severities.{v}")));
        keys.extend(Frequency::ALL.iter().map(|v| format!("contacts.{v}")));
        keys.extend(Perspective::ALL.iter().map(|v| format!("perspectives.{v}")));
        keys.extend(CapRule::ALL.iter().map(|v| format!("caps.{v}")));
        keys.push(format!("items.{}", crate::evaluate::config::CONTACT));
        for key in keys {
            assert!(labels.get(&key, Lang::En).is_some_and(|t| !t.is_empty()), "{key}");
        }
    }

    #[test]
    fn an_unknown_key_is_named_with_a_suggestion() {
        let message = Labels::builtin().unknown("verdicts.at_rsik");
        assert_eq!(message, "there is no label `verdicts.at_rsik`; did you mean `verdicts.at_risk`?");
    }
}
