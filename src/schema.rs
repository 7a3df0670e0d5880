//! The JSON Schema of YAML answer files, made from the format's tables ([`crate::answer_file`])
//! and the questionnaire so that an editor (yaml-language-server) validates and completes files as
//! the consultant types.

use serde_json::{Map, Value, json};

use crate::answer_file::{self, Key, Kind, METADATA, PERSON, SCORE};
use crate::model::MAX_ID_LEN;
use crate::questionnaire::{Question, Questionnaire};

/// The schema, as pretty-printed JSON.
pub fn schema_json() -> String {
    let mut text = serde_json::to_string_pretty(&schema(Questionnaire::get())).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of plan files (`plans/<partner>.yaml`): what [`crate::plan`] checks, for an
/// editor. That the partner has answer files and the type is one of the workspace's is checked
/// by `trustmap check` only.
pub fn plan_schema_json() -> String {
    use crate::model::{ActionStatus, FlagCode, Owner, PropositionId};
    let date = date();
    let text = json!({ "type": "string", "minLength": 1 });
    let mut levels = Map::new();
    for id in PropositionId::ALL {
        levels.insert(
            (*id).into(),
            json!({ "enum": crate::model::TargetLevel::ALL, "description": "The verdict this proposition should reach." }),
        );
    }
    levels.insert("type".into(), json!({ "type": "string", "description": "A relationship type: strategic, collaborative, transactional, or one of [targets.types] in trustmap.toml." }));
    levels.insert(
        "reason".into(),
        json!({ "type": "string", "description": "Why this target is right for this relationship." }),
    );
    let answers: Vec<&str> = PropositionId::ALL.iter().chain(FlagCode::ALL).copied().collect();
    let schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://trustmap.invalid/plan.schema.json",
        "title": "trustmap plan",
        "description": "One relationship's target state and action plan.",
        "type": "object",
        "additionalProperties": false,
        "required": ["partner"],
        "properties": {
            "partner": { "type": "string", "minLength": 1, "description": "The partner's id or name." },
            "target": { "type": "object", "additionalProperties": false, "properties": levels },
            "actions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["id", "do", "answers", "owner"],
                    "properties": {
                        "id": { "type": ["string", "integer"] },
                        "do": text,
                        "answers": { "enum": answers, "description": "The proposition or flag the action answers." },
                        "owner": { "enum": Owner::ALL },
                        "due": date,
                        "status": { "enum": ActionStatus::ALL, "default": "proposed" },
                        "agreed": date,
                        "outcome": text,
                    }
                }
            }
        }
    });
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

/// The schema for answer files of `q`.
pub fn schema(q: &Questionnaire) -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://trustmap.invalid/answer-file.schema.json",
        "title": "trustmap answer file",
        "description": "One partner, one assessment round: metadata and answers to the questionnaire.",
        "type": "object",
        "additionalProperties": false,
        "required": required(METADATA),
        "properties": properties(METADATA, q),
        "definitions": {
            "score": { "type": "integer", "minimum": SCORE.start(), "maximum": SCORE.end() },
            // By type rather than `oneOf`, so that an editor reports what is wrong with the
            // value as written, not that it matches none of the alternatives.
            "person": {
                "if": { "type": "object" },
                "then": {
                    "additionalProperties": false,
                    "required": required(PERSON),
                    "properties": properties(PERSON, q),
                },
                "else": { "type": "string", "minLength": 1 }
            }
        }
    })
}

fn required(keys: &[Key]) -> Vec<&'static str> {
    keys.iter().filter(|k| k.required).map(|k| k.name).collect()
}

fn properties(keys: &[Key], q: &Questionnaire) -> Map<String, Value> {
    let property = |key: &Key| {
        let mut schema = value(&key.kind, q);
        if let Some(default) = key.default {
            let default = if key.kind == Kind::Bool { json!(default == "true") } else { json!(default) };
            schema["default"] = default;
        }
        described(schema, key.description)
    };
    keys.iter().map(|key| (key.name.to_owned(), property(key))).collect()
}

fn described(mut schema: Value, description: Option<&str>) -> Value {
    if let Some(description) = description {
        schema["description"] = json!(description);
    }
    schema
}

/// The schema of a value of `kind`.
fn value(kind: &Kind, q: &Questionnaire) -> Value {
    match kind {
        Kind::Text => json!({ "type": ["string", "number"], "minLength": 1 }),
        Kind::Slug => json!({ "type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": MAX_ID_LEN }),
        // YAML 1.1's words for true and false, which trustmap reads (an editor's YAML 1.2 takes
        // them for text).
        Kind::Bool => json!({
            "type": ["boolean", "string"],
            "if": { "type": "string" },
            "then": { "enum": YAML_BOOLEANS },
        }),
        Kind::Keyword(all) => json!({ "enum": all }),
        Kind::Date => date(),
        Kind::Answers => {
            let answers: Map<String, Value> =
                q.questions().map(|question| (question.id.clone(), answer(question, q))).collect();
            json!({ "type": ["object", "null"], "additionalProperties": false, "properties": answers })
        }
        Kind::Score => json!({ "$ref": "#/definitions/score" }),
        Kind::Percent(range) => json!({ "type": "number", "minimum": range.start(), "maximum": range.end() }),
        Kind::People => json!({ "type": "array", "items": { "$ref": "#/definitions/person" } }),
    }
}

/// YAML 1.1's words for true and false that trustmap's YAML reader takes as booleans and an
/// editor's YAML 1.2 as text. (`true`, `True`, ... are booleans to both: as text they were
/// quoted, and are text to trustmap too.)
const YAML_BOOLEANS: &[&str] =
    &["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"];

/// A calendar date, `YYYY-MM-DD`, that exists (`format: date`, which editors check).
fn date() -> Value {
    json!({ "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" })
}

/// An answer: nothing, a score, or a mapping of fields. Told apart by type, so that a score of 7
/// is reported as above the maximum of 5, not as matching none of the three.
fn answer(question: &Question, q: &Questionnaire) -> Value {
    let anchors: Vec<String> =
        question.anchors.iter().map(|(p, t)| format!("{p} = {} / {}", t.nl, t.en)).collect();
    let description = format!("{}\n{}\n\n{}", question.text.nl, question.text.en, anchors.join("\n"));
    let fields: Map<String, Value> = answer_file::fields_of(question.extra)
        .map(|field| (field.name.to_owned(), described(value(&field.kind, q), field.description)))
        .collect();
    json!({
        "description": description,
        "if": { "type": "object" },
        "then": { "additionalProperties": false, "properties": fields },
        "else": {
            "if": { "type": "null" },
            "then": true,
            "else": { "$ref": "#/definitions/score" }
        }
    })
}
