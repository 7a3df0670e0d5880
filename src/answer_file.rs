//! The answer-file format, defined once, as data: the metadata keys of a file, the fields of an
//! answer and the keys of a person, each with its kind of value (and so its range or allowed
//! keywords) and its description, and the English and Dutch words that name a field in a
//! Markdown answer section. The validator, the JSON Schema, the writer (`new`, `convert`) and the
//! Markdown reader all read these tables; none of them keeps its own list.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::model::{Frequency, Lang, Perspective, Role, Status};

/// The scale of every score.
pub const SCORE: RangeInclusive<u8> = 1..=5;
/// The range of `growth_pct`: a portfolio can shrink to nothing, or grow a hundredfold.
pub const GROWTH_PCT: RangeInclusive<i32> = -100..=10_000;
/// The range of `revenue_share_pct`.
pub const REVENUE_SHARE_PCT: RangeInclusive<i32> = 0..=100;

/// Extra answer fields a question accepts besides `score` and `note`; which fields each kind
/// brings is in [`FIELDS`]. A question names its kind in the questionnaire (`extra:`).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Extra {
    /// Key persons with name, role and contact frequency (box 5).
    People,
    /// Whether trust was breached, and whether that was resolved (box 4).
    Breach,
    /// Growth of the order portfolio and the partner's share of our revenue (box 6).
    Growth,
}

impl Extra {
    /// The answer fields this extra allows, as [`FIELDS`] lists them.
    pub fn fields(self) -> impl Iterator<Item = &'static str> {
        FIELDS.iter().filter(move |f| f.extra == Some(self)).map(|f| f.name)
    }
}

/// What a value must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Free text, not empty; a number is taken as it was written (a partner called `3M`).
    Text,
    /// A partner id: lowercase letters, digits and `-`, at most [`crate::model::MAX_ID_LEN`]
    /// characters.
    Slug,
    /// `true` or `false`.
    Bool,
    /// One of a closed set of keywords: a model enum's `ALL`.
    Keyword(&'static [&'static str]),
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// The answers: a mapping from question id to answer.
    Answers,
    /// A whole number on the [`SCORE`] scale.
    Score,
    /// A percentage: any number in the range.
    Percent(RangeInclusive<i32>),
    /// Key persons: a list of names, or of mappings with the [`PERSON`] keys.
    People,
}

/// A key of the file's top-level mapping, or of a person.
#[derive(Debug)]
pub struct Key {
    pub name: &'static str,
    pub required: bool,
    pub kind: Kind,
    /// What a file that leaves the key out means, written as a file would write it.
    pub default: Option<&'static str>,
    /// What the key means (the schema shows it in an editor).
    pub description: Option<&'static str>,
}

/// A field of an answer: of the mapping under a question id.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    /// The kind of question that takes it (`extra:` in the questionnaire); `None` for a field
    /// that every question takes.
    pub extra: Option<Extra>,
    pub kind: Kind,
    /// What the field means (the schema shows it in an editor).
    pub description: Option<&'static str>,
    /// The words that start its line in a Markdown answer section, in any case; `None` for the
    /// note, which is the rest of the section.
    pub words: Option<Words>,
    /// A value to show in a blank form's guidance, where the kind does not make one.
    pub example: Option<&'static str>,
}

/// A field's word in each language of the instrument.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    pub en: &'static str,
    pub nl: &'static str,
}

impl Field {
    /// Whether a question of kind `extra` takes this field.
    pub fn taken_by(&self, extra: Option<Extra>) -> bool {
        self.extra.is_none() || self.extra == extra
    }
}

/// The metadata keys, in the order they are written.
pub const METADATA: &[Key] = &[
    Key {
        name: "partner",
        required: true,
        kind: Kind::Text,
        default: None,
        description: Some("Display name of the partner."),
    },
    Key {
        name: "id",
        required: false,
        kind: Kind::Slug,
        default: None,
        description: Some("Stable slug; derived from `partner` when left out."),
    },
    Key {
        name: "role",
        required: true,
        kind: Kind::Keyword(Role::ALL),
        default: None,
        description: Some("Box 1: the kind of partner."),
    },
    Key {
        name: "strategic",
        required: false,
        kind: Kind::Bool,
        default: Some("false"),
        description: Some("Box 1: a strategic collaboration."),
    },
    Key {
        name: "status",
        required: false,
        kind: Kind::Keyword(Status::ALL),
        default: Some("current"),
        description: Some("Box 1: `desired` for an organisation we want a partnership with."),
    },
    Key {
        name: "date",
        required: true,
        kind: Kind::Date,
        default: None,
        description: Some("The assessment round, YYYY-MM-DD."),
    },
    Key {
        name: "perspective",
        required: false,
        kind: Kind::Keyword(Perspective::ALL),
        default: Some("own"),
        description: Some("`own`: our view of the partner; `partner`: the partner's view of us."),
    },
    Key {
        name: "respondent",
        required: false,
        kind: Kind::Text,
        default: None,
        description: Some("Who answered."),
    },
    Key {
        name: "assessor",
        required: false,
        kind: Kind::Text,
        default: None,
        description: Some("Who recorded the answers."),
    },
    Key {
        name: "lang",
        required: false,
        kind: Kind::Keyword(Lang::ALL),
        default: None,
        description: Some("Language of the notes."),
    },
    Key { name: "answers", required: false, kind: Kind::Answers, default: None, description: None },
];

/// The fields of an answer, in the order they are written.
pub const FIELDS: &[Field] = &[
    Field {
        name: "score",
        extra: None,
        kind: Kind::Score,
        description: None,
        words: Some(Words { en: "score", nl: "score" }),
        example: None,
    },
    Field {
        name: "people",
        extra: Some(Extra::People),
        kind: Kind::People,
        description: None,
        words: Some(Words { en: "person", nl: "persoon" }),
        example: None,
    },
    Field {
        name: "breach",
        extra: Some(Extra::Breach),
        kind: Kind::Bool,
        description: Some("Whether trust was breached."),
        words: Some(Words { en: "breach", nl: "schending" }),
        example: None,
    },
    Field {
        name: "resolved",
        extra: Some(Extra::Breach),
        kind: Kind::Bool,
        description: Some("Whether the breach was resolved."),
        words: Some(Words { en: "resolved", nl: "opgelost" }),
        example: None,
    },
    Field {
        name: "growth_pct",
        extra: Some(Extra::Growth),
        kind: Kind::Percent(GROWTH_PCT),
        description: Some("Growth of the order portfolio, in percent."),
        words: Some(Words { en: "growth", nl: "groei" }),
        example: Some("25"),
    },
    Field {
        name: "revenue_share_pct",
        extra: Some(Extra::Growth),
        kind: Kind::Percent(REVENUE_SHARE_PCT),
        description: Some("The partner's share of our revenue, in percent."),
        words: Some(Words { en: "revenue share", nl: "omzetaandeel" }),
        example: Some("30"),
    },
    Field {
        name: "share_note",
        extra: None,
        kind: Kind::Bool,
        description: Some(
            "Whether the note may be shown to the partner in a partner-facing report (`build --audience partner`); notes are internal by default.",
        ),
        words: Some(Words { en: "share note", nl: "notitie delen" }),
        example: None,
    },
    Field {
        name: "note",
        extra: None,
        kind: Kind::Text,
        description: Some("Markdown text."),
        words: None,
        example: None,
    },
];

/// The keys of a person, in the order they are written (and the order of the parts of a
/// Markdown `Person: name | role | contact` line).
pub const PERSON: &[Key] = &[
    Key { name: "name", required: true, kind: Kind::Text, default: None, description: None },
    Key { name: "role", required: false, kind: Kind::Text, default: None, description: None },
    Key {
        name: "contact",
        required: false,
        kind: Kind::Keyword(Frequency::ALL),
        default: None,
        description: Some("How often this person is in contact with the other side."),
    },
];

/// The words for `true` and `false` in a Markdown answer section, in any case; the first of each
/// is the one written.
pub const YES: &[&str] = &["yes", "ja", "true"];
/// See [`YES`].
pub const NO: &[&str] = &["no", "nee", "false"];

/// The metadata key called `name`.
pub fn metadata_key(name: &str) -> Option<&'static Key> {
    METADATA.iter().find(|k| k.name == name)
}

/// The person key called `name`.
pub fn person_key(name: &str) -> Option<&'static Key> {
    PERSON.iter().find(|k| k.name == name)
}

/// The answer field called `name`.
pub fn field(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.name == name)
}

/// The fields a question of kind `extra` takes: those every question takes, then its own.
pub fn fields_of(extra: Option<Extra>) -> impl Iterator<Item = &'static Field> {
    let own = FIELDS.iter().filter(move |f| extra.is_some() && f.extra == extra);
    FIELDS.iter().filter(|f| f.extra.is_none()).chain(own)
}

/// The field that a Markdown line starting with `word` (lowercase) gives.
pub fn markdown_field(word: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.words.is_some_and(|w| w.en == word || w.nl == word))
}

/// The names of `keys`.
pub fn names(keys: &'static [Key]) -> impl Iterator<Item = &'static str> {
    keys.iter().map(|k| k.name)
}

/// The name of the answer file for `a`: `<id>-<date>[-partner][-<respondent>].<ext>`, as
/// `trustmap new` and `trustmap import` name them.
pub fn file_name(a: &crate::model::Assessment, format: crate::model::Format) -> String {
    let mut name = format!("{}-{}", a.id, a.date);
    if a.perspective == crate::model::Perspective::Partner {
        name.push_str("-partner");
    }
    if let Some(r) = a.respondent.as_deref().map(crate::model::slugify).filter(|r| !r.is_empty()) {
        name = format!("{name}-{r}");
    }
    format!("{name}.{}", format.as_str())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::emit::{Guidance, emit};
    use crate::load::{self, Loaded};
    use crate::model::{Answer, Assessment, Date, Format, MAX_ID_LEN, Person};
    use crate::questionnaire::{Question, Questionnaire};

    fn no_repeats(names: impl Iterator<Item = &'static str>) {
        let mut seen = std::collections::BTreeSet::new();
        for name in names {
            assert!(seen.insert(name), "`{name}` is in a table twice");
        }
    }

    /// A value of `kind` that is valid, as YAML.
    fn sample(kind: &Kind) -> String {
        match kind {
            Kind::Text | Kind::Slug => "x".into(),
            Kind::Bool => "true".into(),
            Kind::Keyword(all) => all[0].into(),
            Kind::Date => "2026-01-01".into(),
            Kind::Answers => "{}".into(),
            Kind::Score => SCORE.end().to_string(),
            Kind::Percent(range) => range.end().to_string(),
            Kind::People => "[Anna]".into(),
        }
    }

    /// Values of `kind`, valid and not, as YAML. Left out on purpose, where the schema cannot say
    /// what the validator does: text of only spaces, an id written as a number, a day that does
    /// not exist, and `~` as an answer field (the validator skips it, the schema refuses it).
    fn values(kind: &Kind) -> Vec<String> {
        let mut values: Vec<String> = match kind {
            Kind::Text => ["x", "3M", "1910", "2.50", "\"\"", "true"].map(String::from).into(),
            Kind::Slug => vec![
                "de-korenaar-2".into(),
                "\"Not A Slug\"".into(),
                "\"\"".into(),
                "a".repeat(MAX_ID_LEN),
                "a".repeat(MAX_ID_LEN + 1),
            ],
            Kind::Bool => ["true", "false", "\"true\"", "1"].map(String::from).into(),
            Kind::Keyword(all) => {
                all.iter().copied().chain(["nope", "\"\"", "1", "true"]).map(String::from).collect()
            }
            Kind::Date => ["2026-01-01", "\"2026-1-1\"", "20260101"].map(String::from).into(),
            Kind::Answers => ["{}", "~", "3"].map(String::from).into(),
            Kind::Score => {
                let (min, max) = (*SCORE.start(), *SCORE.end());
                vec![min.to_string(), max.to_string(), (min - 1).to_string(), (max + 1).to_string()]
                    .into_iter()
                    .chain(["4.0", "2.5", "\"4\"", "true"].map(String::from))
                    .collect()
            }
            Kind::Percent(range) => {
                let (min, max) = (*range.start(), *range.end());
                vec![min.to_string(), max.to_string(), (min - 1).to_string(), (max + 1).to_string()]
                    .into_iter()
                    .chain(["12.5", "\"12\"", "true"].map(String::from))
                    .collect()
            }
            Kind::People => [
                "[Anna]",
                "[{name: A, role: B, contact: weekly}]",
                "[{role: B}]",
                "[]",
                "Anna",
                "[3]",
                "[\"\"]",
            ]
            .map(String::from)
            .into(),
        };
        values.extend(["[a]", "{a: 1}"].map(String::from));
        values
    }

    /// A file with the required metadata and `name: value`.
    fn file(name: &str, value: &str) -> String {
        let required = METADATA.iter().filter(|k| k.required && k.name != name);
        let mut text: String = required.map(|k| format!("{}: {}\n", k.name, sample(&k.kind))).collect();
        text.push_str(&format!("{name}: {value}\n"));
        text
    }

    /// A file that answers `question` with `name: value`.
    fn answer_file(question: &Question, name: &str, value: &str) -> String {
        file("answers", &format!("\n  {}:\n    {name}: {value}", question.id))
    }

    /// A file with one person, with `name: value`.
    fn person_file(name: &str, value: &str) -> String {
        let question = Questionnaire::get().questions().find(|q| q.extra == Some(Extra::People)).unwrap();
        let person = match name {
            "name" => format!("[{{name: {value}}}]"),
            _ => format!("[{{name: A, {name}: {value}}}]"),
        };
        answer_file(question, "people", &person)
    }

    fn read(text: &str, format: Format) -> crate::validate::Checked {
        let path = Path::new(if format == Format::Yaml { "t.yaml" } else { "t.md" });
        let Loaded::Document(doc) = load::parse(path, text.to_owned(), format) else {
            panic!("not a document:\n{text}")
        };
        crate::validate::validate(&doc, Questionnaire::get(), 10_000)
    }

    /// Whether the validator and the schema each take the YAML file `text`.
    struct Judges(jsonschema::Validator);

    impl Judges {
        fn new() -> Judges {
            Judges(jsonschema::validator_for(&crate::schema::schema(Questionnaire::get())).unwrap())
        }

        /// Whether the validator takes `text` (warnings aside), after checking that the schema
        /// says the same.
        fn take(&self, text: &str) -> bool {
            let validator = !read(text, Format::Yaml).diagnostics.iter().any(|d| d.is_error());
            let value: serde_json::Value = serde_saphyr::from_str(text).unwrap();
            let schema = self.0.is_valid(&value);
            assert_eq!(validator, schema, "the validator says {validator}, the schema {schema}:\n{text}");
            validator
        }
    }

    /// One question of each kind.
    fn one_of_each_kind() -> Vec<&'static Question> {
        let mut kinds = BTreeMap::new();
        for q in Questionnaire::get().questions() {
            kinds.entry(format!("{:?}", q.extra)).or_insert(q);
        }
        kinds.into_values().collect()
    }

    #[test]
    fn the_tables_match_the_model() {
        no_repeats(names(METADATA));
        no_repeats(names(PERSON));
        no_repeats(FIELDS.iter().map(|f| f.name));
        no_repeats(
            FIELDS.iter().filter_map(|f| f.words).flat_map(|w| [w.en, w.nl]).filter(|w| *w != "score"),
        );
        let q = Questionnaire::get();
        for question in q.questions() {
            if let Some(extra) = question.extra {
                let fields: Vec<_> =
                    FIELDS.iter().filter(|f| f.extra == Some(extra)).map(|f| f.name).collect();
                assert!(
                    !fields.is_empty(),
                    "`{}` is {extra:?}, which has no fields in the table",
                    question.id
                );
                assert_eq!(extra.fields().collect::<Vec<_>>(), fields);
            }
        }
        for field in FIELDS {
            assert!(
                q.questions().any(|question| field.taken_by(question.extra)),
                "no question takes `{}`",
                field.name
            );
            let word = field.words.map(|w| [w.en, w.nl]);
            assert!(word.is_some() || field.name == "note", "`{}` has no Markdown word", field.name);
        }
        let box_one = q.boxes.iter().flat_map(|b| &b.groups).flat_map(|g| &g.metadata);
        for m in box_one {
            assert!(metadata_key(&m.field).is_some(), "box 1 asks for `{}`, not a metadata key", m.field);
        }
    }

    #[test]
    fn the_validator_requires_and_defaults_what_the_table_says() {
        let missing: Vec<String> = read("{}", Format::Yaml)
            .diagnostics
            .iter()
            .filter(|d| d.code == "missing-key")
            .map(|d| d.message.clone())
            .collect();
        let required: Vec<String> = METADATA
            .iter()
            .filter(|k| k.required)
            .map(|k| format!("missing required key `{}`", k.name))
            .collect();
        assert_eq!(missing, required);
        let a = read(&file("answers", "{}"), Format::Yaml).assessment.unwrap();
        let defaults = [("strategic", a.strategic.to_string()), ("status", a.status.to_string())];
        let defaults = defaults.into_iter().chain([("perspective", a.perspective.to_string())]);
        for (name, value) in defaults {
            assert_eq!(metadata_key(name).unwrap().default, Some(value.as_str()), "{name}");
        }
        let stated = METADATA.iter().filter(|k| k.default.is_some()).count();
        assert_eq!(stated, 3, "a new default: check it here");
    }

    #[test]
    fn the_validator_and_the_schema_take_the_same_keys() {
        let judges = Judges::new();
        for name in names(METADATA).chain(["colour", "partners", "Role", "answer"]) {
            let kind = metadata_key(name).map_or(Kind::Text, |k| k.kind.clone());
            let taken = judges.take(&file(name, &sample(&kind)));
            assert_eq!(taken, metadata_key(name).is_some(), "metadata key `{name}`");
        }
        for question in one_of_each_kind() {
            for name in FIELDS.iter().map(|f| f.name).chain(["colour", "scor", "notes"]) {
                let kind = field(name).map_or(Kind::Text, |f| f.kind.clone());
                let taken = judges.take(&answer_file(question, name, &sample(&kind)));
                let expected = field(name).is_some_and(|f| f.taken_by(question.extra));
                assert_eq!(taken, expected, "`{name}` in `{}`", question.id);
            }
        }
        for name in names(PERSON).chain(["email", "nam"]) {
            let kind = person_key(name).map_or(Kind::Text, |k| k.kind.clone());
            assert_eq!(
                judges.take(&person_file(name, &sample(&kind))),
                person_key(name).is_some(),
                "`{name}`"
            );
        }
    }

    #[test]
    fn the_validator_and_the_schema_take_the_same_values() {
        let judges = Judges::new();
        for key in METADATA {
            for value in values(&key.kind) {
                judges.take(&file(key.name, &value));
            }
        }
        for field in FIELDS {
            let question = Questionnaire::get().questions().find(|q| field.taken_by(q.extra)).unwrap();
            for value in values(&field.kind) {
                judges.take(&answer_file(question, field.name, &value));
            }
        }
        for key in PERSON {
            for value in values(&key.kind) {
                judges.take(&person_file(key.name, &value));
            }
        }
    }

    #[test]
    fn every_key_and_field_is_written_and_read_back() {
        let q = Questionnaire::get();
        let full = |question: &Question| Answer {
            score: Some(4),
            note: Some("Een notitie.".into()),
            share_note: Some(true),
            people: if question.extra == Some(Extra::People) {
                vec![Person {
                    name: "Anna".into(),
                    role: Some("CEO".into()),
                    contact: Some(Frequency::Monthly),
                }]
            } else {
                Vec::new()
            },
            breach: (question.extra == Some(Extra::Breach)).then_some(true),
            resolved: (question.extra == Some(Extra::Breach)).then_some(false),
            growth_pct: (question.extra == Some(Extra::Growth)).then_some(-12.5),
            revenue_share_pct: (question.extra == Some(Extra::Growth)).then_some(30.0),
        };
        let written = Assessment {
            source: "t.yaml".into(),
            partner: "Smit Logistiek".into(),
            id: "smit".into(),
            role: Role::Supplier,
            strategic: true,
            status: Status::Desired,
            date: Date::parse("2026-03-15").unwrap(),
            perspective: Perspective::Partner,
            respondent: Some("Jan".into()),
            assessor: Some("Piet".into()),
            lang: Some(Lang::Nl),
            answers: q.questions().map(|question| (question.id.clone(), full(question))).collect(),
            spans: BTreeMap::new(),
        };
        for format in [Format::Yaml, Format::Markdown] {
            let text = emit(&written, format, Guidance::new(false, Lang::En), None);
            for key in METADATA.iter().filter(|k| format == Format::Yaml || k.kind != Kind::Answers) {
                let line = format!("{}:", key.name);
                assert!(
                    text.lines().any(|l| l.starts_with(&line)),
                    "{format:?}: `{}` is not written",
                    key.name
                );
            }
            let checked = read(&text, format);
            assert!(checked.diagnostics.is_empty(), "{format:?}: {:?}\n{text}", checked.diagnostics);
            let read = Assessment {
                source: written.source.clone(),
                spans: BTreeMap::new(),
                ..checked.assessment.unwrap()
            };
            assert_eq!(read, written, "{format:?}:\n{text}");
        }
    }
}
