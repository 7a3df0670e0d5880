//! The JSON Schema of YAML answer files, made from the questionnaire so that an editor
//! (yaml-language-server) validates and completes files as the consultant types.

use serde_json::{Map, Value, json};

use crate::model::{Frequency, Lang, MAX_ID_LEN, Perspective, Role, Status};
use crate::questionnaire::{Extra, Question, Questionnaire};

/// The schema, as pretty-printed JSON.
pub fn schema_json() -> String {
    let mut text = serde_json::to_string_pretty(&schema(Questionnaire::get())).unwrap_or_default();
    text.push('\n');
    text
}

/// The schema for answer files of `q`.
pub fn schema(q: &Questionnaire) -> Value {
    let answers: Map<String, Value> =
        q.questions().map(|question| (question.id.clone(), answer(question))).collect();
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://trustmap.invalid/answer-file.schema.json",
        "title": "trustmap answer file",
        "description": "One partner, one assessment round: metadata and answers to the questionnaire.",
        "type": "object",
        "additionalProperties": false,
        "required": ["partner", "role", "date"],
        "properties": {
            "partner": { "type": ["string", "number"], "minLength": 1, "description": "Display name of the partner." },
            "id": { "type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": MAX_ID_LEN, "description": "Stable slug; derived from `partner` when left out." },
            "role": { "enum": Role::ALL, "description": "Box 1: the kind of partner." },
            "strategic": { "type": "boolean", "default": false, "description": "Box 1: a strategic collaboration." },
            "status": { "enum": Status::ALL, "default": "current", "description": "Box 1: `desired` for an organisation we want a partnership with." },
            "date": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "The assessment round, YYYY-MM-DD." },
            "perspective": { "enum": Perspective::ALL, "default": "own", "description": "`own`: our view of the partner; `partner`: the partner's view of us." },
            "respondent": { "type": ["string", "number"], "minLength": 1, "description": "Who answered." },
            "assessor": { "type": ["string", "number"], "minLength": 1, "description": "Who recorded the answers." },
            "lang": { "enum": Lang::ALL, "description": "Language of the notes." },
            "answers": {
                "type": ["object", "null"],
                "additionalProperties": false,
                "properties": answers,
            }
        },
        "definitions": {
            "score": { "type": "integer", "minimum": 1, "maximum": 5 },
            "person": {
                "oneOf": [
                    { "type": "string", "minLength": 1 },
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["name"],
                        "properties": {
                            "name": { "type": ["string", "number"], "minLength": 1 },
                            "role": { "type": ["string", "number"], "minLength": 1 },
                            "contact": { "enum": Frequency::ALL, "description": "How often this person is in contact with the other side." }
                        }
                    }
                ]
            }
        }
    })
}

fn answer(question: &Question) -> Value {
    let anchors: Vec<String> = question.anchors.iter().map(|(p, t)| format!("{p} = {}", t.en)).collect();
    let description = format!("{}\n{}\n\n{}", question.text.nl, question.text.en, anchors.join("\n"));
    let mut fields = Map::new();
    fields.insert("score".into(), json!({ "$ref": "#/definitions/score" }));
    fields.insert(
        "note".into(),
        json!({ "type": ["string", "number"], "minLength": 1, "description": "Markdown text." }),
    );
    match question.extra {
        Some(Extra::People) => {
            fields.insert(
                "people".into(),
                json!({ "type": "array", "items": { "$ref": "#/definitions/person" } }),
            );
        }
        Some(Extra::Breach) => {
            fields.insert(
                "breach".into(),
                json!({ "type": "boolean", "description": "Whether trust was breached." }),
            );
            fields.insert(
                "resolved".into(),
                json!({ "type": "boolean", "description": "Whether the breach was resolved." }),
            );
        }
        Some(Extra::Growth) => {
            fields.insert("growth_pct".into(), json!({ "type": "number", "minimum": -100, "maximum": 10000, "description": "Growth of the order portfolio, in percent." }));
            fields.insert("revenue_share_pct".into(), json!({ "type": "number", "minimum": 0, "maximum": 100, "description": "The partner's share of our revenue, in percent." }));
        }
        None => {}
    }
    json!({
        "description": description,
        "oneOf": [
            { "type": "null" },
            { "$ref": "#/definitions/score" },
            { "type": "object", "additionalProperties": false, "properties": fields }
        ]
    })
}
