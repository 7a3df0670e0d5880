//! Snapshot tests of rendered sample reports: a change to any template, label, chart or score
//! shows up as a reviewable diff (`cargo insta review`).

use super::build::samples_copy;
use super::trustmap;

#[test]
fn sample_reports_match_their_snapshots() {
    let ws = samples_copy();
    let run = trustmap(ws.path(), &["build", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = ws.path().join("reports");
    for file in [
        "partners/medivorm.md",
        "partners/brabant-oppervlaktetechniek.md",
        "network.md",
        "partners/lumetra-systems.html",
        "index.html",
    ] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let name = file.replace('/', "__");
        insta::assert_snapshot!(name, text);
    }
    let run = trustmap(ws.path(), &["build", "-q", "--lang", "en", "--format", "md", "-o", "en"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(
        "en__network.md",
        std::fs::read_to_string(ws.path().join("en/network.md")).unwrap()
    );
}
