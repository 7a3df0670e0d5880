//! Turns the embedded questionnaire (`src/questionnaire.yaml`, the one file people edit) into
//! JSON for the binary, which reads JSON about twenty times faster than YAML: every command
//! starts by reading the questionnaire, so this is most of a command's start-up time.
//! A unit test checks that both give the same questionnaire.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=src/questionnaire.yaml");
    let yaml = std::fs::read_to_string("src/questionnaire.yaml").expect("src/questionnaire.yaml can be read");
    let value: serde_json::Value = serde_saphyr::from_str(&yaml).expect("src/questionnaire.yaml is YAML");
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("questionnaire.json");
    let json = serde_json::to_string(&value).expect("a JSON value can be written");
    std::fs::write(out, json).expect("OUT_DIR can be written");
}
