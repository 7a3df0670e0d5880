//! `cargo bench`: times the pipeline on a generated workspace of 100 sample-like partners —
//! reading and validating, evaluating, rendering HTML and Markdown, and compiling PDFs with the
//! embedded Typst — and prints the median of a few runs per stage. `benches/compare.py` compares
//! the PDF build against the `typst` CLI.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use trustmap::build::build;
use trustmap::model::OutputFormat;
use trustmap::pdf::{Engine, PdfSettings};
use trustmap::reporter::Silent;
use trustmap::settings::BuildSettings as Settings;
use trustmap::workspace::Workspace;

const PARTNERS: usize = 100;

/// Copies the samples' answer files under new partner names until there are `PARTNERS`.
fn generate(dest: &Path) {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    std::fs::copy(samples.join("trustmap.toml"), dest.join("trustmap.toml")).expect("copy config");
    let files =
        trustmap::discover::discover(&[samples.join("assessments")], &[], &samples).expect("samples").files;
    std::fs::create_dir_all(dest.join("assessments")).expect("mkdir");
    let mut made = BTreeSet::new();
    for copy in 0.. {
        for file in &files {
            let text = std::fs::read_to_string(file).expect("read sample");
            let Some(line) = text.lines().find(|l| l.starts_with("partner:")) else { continue };
            let name = format!("{} {copy}", line["partner:".len()..].trim().trim_matches('"'));
            if made.len() == PARTNERS && !made.contains(&name) {
                continue;
            }
            made.insert(name.clone());
            let text: String = text
                .lines()
                .filter(|l| !l.starts_with("id:"))
                .map(|l| if l == line { format!("partner: \"{name}\"") } else { l.to_owned() })
                .collect::<Vec<_>>()
                .join("\n");
            let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("yaml");
            let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("x");
            std::fs::write(dest.join(format!("assessments/c{copy}-{stem}.{ext}")), text).expect("write");
        }
        if made.len() >= PARTNERS {
            break;
        }
    }
}

fn settings(ws: &Path, out: PathBuf, formats: &[OutputFormat]) -> Settings {
    let workspace = Workspace::find(ws, false).expect("workspace");
    Settings {
        paths: vec![workspace.assessments().expect("assessments")],
        select: Vec::new(),
        lang: workspace.config.lang,
        workspace,
        out,
        formats: formats.iter().copied().collect(),
        audiences: BTreeSet::from([trustmap::model::Audience::Internal]),
        partners: BTreeSet::new(),
        jobs: std::thread::available_parallelism().map_or(1, usize::from),
        jobs_asked: None,
        quiet: true,
        dump_context: false,
        pdf: PdfSettings {
            engine: Engine::Embedded,
            pdf_a: false,
            pdf_ua: true,
            timeout: Duration::from_secs(300),
        },
        prune: true,
        date: None,
        bundle: false,
        force: true,
        shard: None,
        since: None,
    }
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time(what: &str, iterations: usize, mut f: impl FnMut()) {
    let runs: Vec<Duration> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    println!("{what:<48} {:>9.1} ms (median of {iterations})", median(runs).as_secs_f64() * 1000.0);
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    generate(dir.path());
    let ws = dir.path();
    println!("{PARTNERS} partners");
    time("read + validate", 5, || {
        let batch =
            trustmap::pipeline::read(&[ws.join("assessments")], &[], ws, &Default::default()).expect("read");
        assert!(!batch.has_errors());
    });
    let batch =
        trustmap::pipeline::read(&[ws.join("assessments")], &[], ws, &Default::default()).expect("read");
    time("evaluate", 5, || {
        let e = trustmap::evaluate::evaluate(&batch.assessments, &Default::default());
        assert_eq!(e.partners.len(), PARTNERS);
    });
    time("build --format html,md", 5, || {
        build(&settings(ws, ws.join("out-web"), &[OutputFormat::Html, OutputFormat::Md]), &Silent)
            .expect("build");
    });
    time("build --format pdf (embedded Typst)", 3, || {
        build(&settings(ws, ws.join("out-pdf"), &[OutputFormat::Pdf]), &Silent).expect("build");
    });
}
