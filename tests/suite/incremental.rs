//! Incremental builds: a build makes again only the reports whose inputs changed (their key in
//! the manifest), and what it gives is byte for byte what a full build gives.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use super::build::samples_copy;
use super::trustmap;

/// Every file under `dir`: its bytes and when it was last written.
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, (std::fs::read(e.path()).unwrap(), e.metadata().unwrap().modified().unwrap()))
        })
        .collect()
}

/// The files written between two snapshots (new, or written again).
fn written(
    before: &BTreeMap<String, (Vec<u8>, SystemTime)>,
    after: &BTreeMap<String, (Vec<u8>, SystemTime)>,
) -> Vec<String> {
    after
        .iter()
        .filter(|(path, now)| before.get(*path).is_none_or(|then| then != *now))
        .map(|(p, _)| p.clone())
        .collect()
}

/// Builds `ws` with `args`, asserting success; returns what it printed.
fn build(ws: &Path, args: &[&str]) -> String {
    let mut all = vec!["build", "--format", "html,md", "--audience", "internal,partner"];
    all.extend(args);
    let run = trustmap(ws, &all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stderr + &run.stdout
}

/// A full build of a copy of `ws`, from nothing, into its own folder.
fn full(ws: &Path) -> BTreeMap<String, Vec<u8>> {
    let copy = tempfile::tempdir().unwrap();
    super::copy_dir(&ws.join("assessments"), &copy.path().join("assessments"));
    super::copy_dir(&ws.join("plans"), &copy.path().join("plans"));
    super::copy_dir(&ws.join("templates"), &copy.path().join("templates"));
    std::fs::copy(ws.join("trustmap.toml"), copy.path().join("trustmap.toml")).unwrap();
    build(copy.path(), &[]);
    snapshot(&copy.path().join("reports")).into_iter().map(|(p, (bytes, _))| (p, bytes)).collect()
}

fn bytes(snapshot: &BTreeMap<String, (Vec<u8>, SystemTime)>) -> BTreeMap<String, Vec<u8>> {
    snapshot.iter().map(|(p, (b, _))| (p.clone(), b.clone())).collect()
}

/// A pause, so that a file written again has a later time than before on any file system.
fn tick() {
    std::thread::sleep(std::time::Duration::from_millis(20));
}

#[test]
fn a_build_with_nothing_changed_writes_nothing_and_force_makes_everything() {
    let ws = samples_copy();
    build(ws.path(), &[]);
    let out = ws.path().join("reports");
    let before = snapshot(&out);
    let manifest = String::from_utf8(before["manifest.json"].0.clone()).unwrap();
    assert!(manifest.contains("\"key\": \""), "the manifest records each report's key");
    tick();
    let said = build(ws.path(), &[]);
    assert!(said.contains("wrote 0 files for 0 partners,") && said.contains("unchanged"), "{said}");
    assert_eq!(written(&before, &snapshot(&out)), Vec::<String>::new());
    // --force makes every report again (same bytes: a file that already holds them stays).
    let said = build(ws.path(), &["--force"]);
    assert!(said.contains("for 12 partners") && !said.contains("unchanged"), "{said}");
    assert_eq!(bytes(&before), bytes(&snapshot(&out)));
}

#[test]
fn a_changed_answer_file_remakes_its_partner_and_the_network_and_nothing_else() {
    let ws = samples_copy();
    build(ws.path(), &[]);
    let out = ws.path().join("reports");
    let before = snapshot(&out);
    let file = ws.path().join("assessments/tecmaro-2026-03-15.yaml");
    let text =
        std::fs::read_to_string(&file).unwrap().replacen("trust.benevolence: 2", "trust.benevolence: 1", 1);
    std::fs::write(&file, text).unwrap();
    tick();
    let said = build(ws.path(), &[]);
    assert!(said.contains("for 1 partner,"), "{said}");
    let mut changed = written(&before, &snapshot(&out));
    changed.retain(|p| !p.contains("tecmaro"));
    // The network's files and the manifest; no other partner's.
    assert!(changed.iter().all(|p| !p.starts_with("partners/") && !p.starts_with("shared/")), "{changed:?}");
    assert!(
        changed.contains(&"network.md".to_owned()) && changed.contains(&"manifest.json".to_owned()),
        "{changed:?}"
    );
    assert!(written(&before, &snapshot(&out)).contains(&"partners/tecmaro.md".to_owned()));
    // Byte for byte what a full build gives.
    assert_eq!(bytes(&snapshot(&out)), full(ws.path()));
}

#[test]
fn a_changed_template_remakes_the_reports_that_read_it() {
    let ws = samples_copy();
    build(ws.path(), &[]);
    let out = ws.path().join("reports");
    let before = snapshot(&out);
    std::fs::create_dir_all(ws.path().join("templates")).unwrap();
    let template =
        "{% extends \"builtin/network.md\" %}{% block method %}Methode: zie bijlage.\n{% endblock method %}";
    std::fs::write(ws.path().join("templates/network.md"), template).unwrap();
    tick();
    let said = build(ws.path(), &[]);
    assert!(said.contains("for 0 partners,"), "only the network report reads network.md: {said}");
    let changed = written(&before, &snapshot(&out));
    assert!(changed.contains(&"network.md".to_owned()), "{changed:?}");
    assert!(changed.iter().all(|p| !p.starts_with("partners/") && !p.starts_with("shared/")), "{changed:?}");
    // A partial every report may read (here the labels) remakes them all.
    std::fs::write(ws.path().join("templates/labels.yaml"), "method: {nl: \"Werkwijze\"}\n").unwrap();
    let said = build(ws.path(), &[]);
    assert!(said.contains("for 12 partners") && !said.contains("unchanged"), "{said}");
    assert_eq!(bytes(&snapshot(&out)), full(ws.path()));
}

#[test]
fn after_a_removed_partner_or_an_interrupted_build_the_result_is_a_full_build_s() {
    let ws = samples_copy();
    build(ws.path(), &[]);
    let out = ws.path().join("reports");
    // A partner goes: its files go, the network is made again, no other partner's internal
    // report is (the partner-facing ones are checked again: who may not be named changed).
    let before = snapshot(&out);
    std::fs::remove_file(ws.path().join("assessments/tecmaro-2026-03-15.yaml")).unwrap();
    std::fs::remove_file(ws.path().join("plans/tecmaro.yaml")).unwrap();
    tick();
    let said = build(ws.path(), &[]);
    assert!(said.contains("removed"), "{said}");
    assert!(!out.join("partners/tecmaro.md").exists());
    let changed = written(&before, &snapshot(&out));
    assert!(changed.iter().all(|p| !p.starts_with("partners/")), "{changed:?}");
    assert_eq!(bytes(&snapshot(&out)), full(ws.path()));
    // A build that crashed after writing a file (its journal still there): that report is
    // made again, whatever the file holds now.
    let damaged = "# half a report\n";
    std::fs::write(out.join("partners/medivorm.md"), damaged).unwrap();
    let sha = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(damaged.as_bytes()));
    let line = format!(
        "{{\"path\":\"partners/medivorm.md\",\"sha256\":\"{sha}\",\"inputs\":[],\"partner\":\"medivorm\",\"format\":\"md\"}}\n"
    );
    std::fs::write(out.join(".trustmap-journal"), line).unwrap();
    let said = build(ws.path(), &[]);
    assert!(said.contains("for 1 partner,"), "{said}");
    assert_eq!(bytes(&snapshot(&out)), full(ws.path()));
}

#[test]
fn shards_built_apart_and_merged_are_a_full_build() {
    let ws = samples_copy();
    let args = ["--format", "html,md", "--audience", "internal,partner"];
    let mut parts = Vec::new();
    for k in ["1/3", "2/3", "3/3"] {
        let out = format!("part-{}", &k[..1]);
        let run = trustmap(ws.path(), &[&["build", "--shard", k, "-o", &out][..], &args].concat());
        assert_eq!(run.code, 0, "{}", run.stderr);
        parts.push(out);
    }
    // Disjoint: each partner's reports are in one part; the network's in the first only.
    let part = |k: usize| snapshot(&ws.path().join(&parts[k]));
    let reports = |k: usize| {
        part(k).into_keys().filter(|p| p.starts_with("partners/") && p.ends_with(".md")).collect::<Vec<_>>()
    };
    let all: Vec<String> = (0..3).flat_map(reports).collect();
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(all.len(), unique.len(), "{all:?}");
    assert_eq!(unique.len(), 12);
    assert!(part(0).contains_key("network.md") && !part(1).contains_key("network.md"));
    let run = trustmap(ws.path(), &["merge", &parts[0], &parts[1], &parts[2], "-o", "merged"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(bytes(&snapshot(&ws.path().join("merged"))), full(ws.path()), "the manifest too");
    // A part changed since it was built is refused, and so is an impossible shard.
    std::fs::write(ws.path().join(&parts[1]).join("evaluation.json"), "{}").unwrap();
    let run = trustmap(ws.path(), &["merge", &parts[0], &parts[1], "-o", "again"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("evaluation.json` was changed since it was built"), "{}", run.stderr);
    let run = trustmap(ws.path(), &["build", "--shard", "4/3"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("K must be from 1 to N (3)"), "{}", run.stderr);
}

/// The stamp of the last build into `out` (in the cache folder the tests give trustmap), as the
/// file system tells it apart: a build that only repeats what the last one said leaves it as it
/// was; any other writes a new one.
fn stamp(out: &Path) -> (SystemTime, u64) {
    use sha2::Digest as _;
    use std::os::unix::fs::MetadataExt as _;
    let out = out.canonicalize().unwrap();
    let name = format!("{:x}.json", sha2::Sha256::digest(out.as_os_str().as_encoded_bytes()));
    let path = super::cache().join("trustmap/stamps").join(name);
    let meta = std::fs::metadata(path).expect("a clean build leaves a stamp");
    (meta.modified().unwrap(), meta.ino())
}

/// What a build said, less how long it took.
fn said(text: &str) -> String {
    text.lines().map(|l| l.split(" in ").next().unwrap_or(l)).collect::<Vec<_>>().join("\n")
}

/// Gives tecmaro's answer file in the workspace `ws` a warning (a control character in a note).
fn warn(ws: &Path) {
    let file = ws.join("assessments/tecmaro-2026-03-15.yaml");
    let text = std::fs::read_to_string(&file).unwrap().replacen(
        "  trust.benevolence: 2",
        "  trust.benevolence:\n    score: 2\n    note: \"bel\\a\"",
        1,
    );
    std::fs::write(&file, text).unwrap();
}

#[test]
fn a_build_with_nothing_changed_says_again_what_the_last_one_said_and_reads_nothing() {
    let ws = samples_copy();
    // A warning in an answer file, and a note of the build's own.
    warn(ws.path());
    let first = build(ws.path(), &[]);
    assert!(
        first.contains("control-character") && first.contains("no partner-facing report for desired"),
        "{first}"
    );
    let out = ws.path().join("reports");
    let (stamped, before) = (stamp(&out), snapshot(&out));
    tick();
    let again = build(ws.path(), &[]);
    assert_eq!(stamp(&out), stamped, "the stamp vouched for everything: nothing was read or made");
    let files = first.split("wrote ").nth(1).and_then(|rest| rest.split(' ').next()).unwrap().to_owned();
    let first = said(&first).replace(
        &format!("wrote {files} files for 12 partners"),
        &format!("wrote 0 files for 0 partners, {files} unchanged"),
    );
    assert_eq!(said(&again), first);
    assert_eq!(written(&before, &snapshot(&out)), Vec::<String>::new());
}

#[test]
fn any_change_to_what_a_build_reads_or_wrote_is_a_real_build() {
    let ws = samples_copy();
    let out = ws.path().join("reports");
    build(ws.path(), &[]);
    let mut last = stamp(&out);
    // Each change, made at once after a build (within the file system's timestamp granularity,
    // where only the bytes tell), must be built, and give what a full build gives.
    let mut changed = |what: &str, change: &dyn Fn(&Path), args: &[&str]| {
        change(ws.path());
        let said = build(ws.path(), args);
        let now = stamp(&out);
        assert_ne!(now, last, "{what}: the build only repeated the last one: {said}");
        last = now;
        said
    };
    let edit = |path: &str, from: &str, to: &str| {
        let file = ws.path().join(path);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(from), "{path}: {from}");
        std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
    };
    // The same number of bytes.
    let said = changed(
        "an answer",
        &|_| edit("assessments/tecmaro-2026-03-15.yaml", "benevolence: 2", "benevolence: 1"),
        &[],
    );
    assert!(said.contains("for 1 partner,"), "{said}");
    assert_eq!(bytes(&snapshot(&out)), full(ws.path()));
    changed(
        "a plan",
        &|ws| {
            std::fs::write(
                ws.join("plans/tecmaro.yaml"),
                std::fs::read_to_string(ws.join("plans/tecmaro.yaml")).unwrap() + "\n",
            )
            .unwrap()
        },
        &[],
    );
    changed(
        "a new template",
        &|ws| {
            std::fs::create_dir_all(ws.join("templates")).unwrap();
            std::fs::write(ws.join("templates/network.md"), "{% extends \"builtin/network.md\" %}").unwrap();
        },
        &[],
    );
    changed(
        "the configuration",
        &|ws| {
            let config = ws.join("trustmap.toml");
            std::fs::write(&config, std::fs::read_to_string(&config).unwrap() + "\n# a comment\n").unwrap();
        },
        &[],
    );
    assert_eq!(bytes(&snapshot(&out)), full(ws.path()));
    changed("the language", &|_| {}, &["--lang", "en"]);
    changed("back", &|_| {}, &[]);
    // A report removed, or changed by hand: the first is made again, the second left alone
    // and named, every time (a build with something to say about the folder leaves no stamp).
    changed("a report removed", &|_| std::fs::remove_file(out.join("partners/medivorm.md")).unwrap(), &[]);
    assert!(out.join("partners/medivorm.md").is_file());
    let report = out.join("partners/medivorm.html");
    let mut bytes_now = std::fs::read(&report).unwrap();
    bytes_now[0] ^= 1;
    std::fs::write(&report, &bytes_now).unwrap();
    for _ in 0..2 {
        let run = trustmap(ws.path(), &["build", "--format", "html,md", "--audience", "internal,partner"]);
        assert_eq!(run.code, 1, "a report left alone is a problem: {}", run.stderr);
        // (Changed by hand the first time; from then on the user's, and not trustmap's.)
        let named = run.stderr.contains("medivorm.html` was") && run.stderr.contains("left alone");
        assert!(named, "{}", run.stderr);
    }
}

/// The cache of the answer files the last build into `out` read, beside its stamp.
fn answers(out: &Path) -> std::path::PathBuf {
    use sha2::Digest as _;
    let out = out.canonicalize().unwrap();
    let name = format!("{:x}.answers", sha2::Sha256::digest(out.as_os_str().as_encoded_bytes()));
    super::cache().join("trustmap/stamps").join(name)
}

/// A pause after the answer files were written, so that a build trusts their stat (a file
/// written moments before a build is not kept: its times would not show a write just after).
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(100));
}

/// Writes `path` again with the same bytes: only its times change.
fn touch(path: &Path) {
    std::fs::write(path, std::fs::read(path).unwrap()).unwrap();
}

#[test]
fn an_answer_file_unchanged_since_the_last_build_is_not_read_again_and_any_other_is() {
    use std::os::unix::fs::PermissionsExt as _;
    let ws = samples_copy();
    // A file with something to say (a warning) is not kept: it is read, and warns, every time.
    warn(ws.path());
    settle();
    build(ws.path(), &[]);
    let out = ws.path().join("reports");
    let cache = answers(&out);
    let meta = std::fs::metadata(&cache).expect("a build leaves the answer files it read");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600, "the client's answers are for their owner only");
    // As is the stamp, which quotes the warnings about them.
    let stamped = std::fs::metadata(cache.with_extension("json")).expect("a stamp");
    assert_eq!(stamped.permissions().mode() & 0o777, 0o600);
    let kept = std::fs::read_to_string(&cache).unwrap();
    assert!(kept.contains("hogeschool-dommeldal-2026-03-15.yaml") && kept.contains("medivorm-2026-03-15.md"));
    assert!(!kept.contains("tecmaro"), "a file with a warning is not kept");
    // What the cache holds of an unchanged file is what the next build takes: changed there, it
    // shows in the reports.
    let (name, doctored) =
        ("\"partner\":\"Hogeschool Dommeldal\"", "\"partner\":\"Hogeschool Uit De Cache\"");
    assert!(kept.contains(name), "{kept}");
    std::fs::write(&cache, kept.replacen(name, doctored, 1)).unwrap();
    tick();
    // Another file changed, so that the build is not the last one repeated.
    let other = ws.path().join("assessments/kwadraat-engineering-2026-03-15.md");
    std::fs::write(&other, std::fs::read_to_string(&other).unwrap().replacen("Score: 5", "Score: 4", 1))
        .unwrap();
    let said = build(ws.path(), &[]);
    assert!(said.contains("control-character"), "the file with a warning was read again: {said}");
    let network = std::fs::read_to_string(out.join("network.md")).unwrap();
    assert!(
        network.contains("Hogeschool Uit De Cache"),
        "the unchanged file was taken as the last build read it"
    );
    // Written again with the same bytes, the file is read again.
    touch(&ws.path().join("assessments/hogeschool-dommeldal-2026-03-15.yaml"));
    build(ws.path(), &[]);
    let network = std::fs::read_to_string(out.join("network.md")).unwrap();
    assert!(!network.contains("Uit De Cache") && network.contains("Hogeschool Dommeldal"));
    assert_eq!(bytes(&snapshot(&out)), full(ws.path()));
}

#[test]
fn the_answer_files_are_read_again_under_other_limits_and_with_force() {
    let ws = samples_copy();
    settle();
    build(ws.path(), &[]);
    let out = ws.path().join("reports");
    let cache = answers(&out);
    let kept = std::fs::read_to_string(&cache).unwrap();
    let (name, doctored) =
        ("\"partner\":\"Hogeschool Dommeldal\"", "\"partner\":\"Hogeschool Uit De Cache\"");
    std::fs::write(&cache, kept.replacen(name, doctored, 1)).unwrap();
    // `--force` reads every file.
    build(ws.path(), &["--force"]);
    assert!(!std::fs::read_to_string(out.join("network.md")).unwrap().contains("Uit De Cache"));
    // Under a smaller limit on notes, the files kept under the larger one are read again, and
    // one with a longer note is refused.
    let config = ws.path().join("trustmap.toml");
    std::fs::write(&config, std::fs::read_to_string(&config).unwrap() + "\n[limits]\nnote_bytes = 40\n")
        .unwrap();
    let run = trustmap(ws.path(), &["build", "--format", "html,md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("note-too-long") && run.stderr.contains("hogeschool-dommeldal"),
        "{}",
        run.stderr
    );
}
