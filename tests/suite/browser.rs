//! A real browser looks at the reports: headless Chromium loads `index.html`, a partner report
//! and the network report, and reports what a person would see. Screenshots are kept under
//! `target/browser/` for a person to look at.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::build::samples_copy;
use super::trustmap;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        let out = Command::new("which").arg(name).output().ok()?;
        out.status.success().then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
    })
}

fn headless(browser: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--allow-file-access-from-files",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
    ]);
    cmd.arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// A page that loads `report` in a frame and writes what it sees into its own DOM.
const HARNESS: &str = r#"<!DOCTYPE html><html><body><iframe id="f" style="width:1200px;height:1600px" src="REPORT"></iframe>
<script>
const f = document.getElementById('f');
f.addEventListener('load', () => {
  const d = f.contentDocument;
  const svgs = [...d.querySelectorAll('svg[aria-labelledby]')].map(s => { const r = s.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; });
  const out = { title: d.title, h1: (d.querySelector('h1') || {}).textContent, glance: d.querySelectorAll('section[aria-labelledby="glance"] tbody tr').length,
    heat: d.querySelectorAll('main table tbody tr').length, svgs, scripts: d.querySelectorAll('script').length };
  const pre = document.createElement('pre'); pre.id = 'result'; pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
});
</script></body></html>"#;

/// A page that loads `report` in a frame `WIDTH` pixels wide, runs axe-core (`AXE`) on it for
/// WCAG 2.2 A and AA, and writes the violations and the page's width into its own DOM.
const AXE_HARNESS: &str = r#"<!DOCTYPE html><html><body><iframe id="f" style="width:WIDTHpx;height:1600px;border:0" src="REPORT"></iframe>
<script>
const f = document.getElementById('f');
f.addEventListener('load', () => {
  const d = f.contentDocument;
  const s = d.createElement('script');
  s.src = 'AXE';
  s.onload = () => f.contentWindow.axe.run(d, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }).then(r => {
    const violations = r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, first: v.nodes[0].html.slice(0, 160) }));
    const out = { violations, width: d.documentElement.scrollWidth };
    const pre = document.createElement('pre'); pre.id = 'result'; pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
  });
  d.head.appendChild(s);
});
</script></body></html>"#;

/// axe-core, as `.ci/run` installs it (`npm install --prefix target/axe axe-core`).
fn axe_core() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/axe/node_modules/axe-core/axe.min.js");
    path.is_file().then_some(path)
}

fn inspect(browser: &Path, out: &Path, report: &str, profile: &Path) -> (serde_json::Value, String) {
    run_harness(browser, out, report, profile, HARNESS)
}

fn run_harness(
    browser: &Path,
    out: &Path,
    report: &str,
    profile: &Path,
    page: &str,
) -> (serde_json::Value, String) {
    let harness = out.join(format!("harness-{}.html", report.replace('/', "-")));
    std::fs::write(&harness, page.replace("REPORT", report)).unwrap();
    let output = headless(browser, profile)
        .arg("--dump-dom")
        .arg(format!("file://{}", harness.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&output.stdout);
    let start = dom
        .find("<pre id=\"result\">")
        .map(|i| i + 17)
        .unwrap_or_else(|| panic!("no result for {report}: {dom}"));
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    (serde_json::from_str(&json).unwrap(), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn screenshot(browser: &Path, page: &Path, png: &Path, profile: &Path) {
    let status = headless(browser, profile)
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1200,2400")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(status.status.success(), "screenshot of {} failed", page.display());
    assert!(std::fs::metadata(png).map(|m| m.len() > 10_000).unwrap_or(false), "{} is empty", png.display());
}

/// The samples built as HTML (internal and partner-facing reports) in a temporary workspace,
/// and the folder of its reports.
fn html_samples() -> (tempfile::TempDir, PathBuf) {
    let ws = samples_copy();
    let run = trustmap(ws.path(), &["build", "-q", "--format", "html", "--audience", "internal,partner"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = ws.path().join("reports");
    (ws, out)
}

/// Chromium, or `None` (outside CI) after saying the test is skipped; in CI a missing browser
/// fails the test, as `.ci/run` installs it.
fn browser_or_skip() -> Option<PathBuf> {
    let browser = chromium();
    if browser.is_none() {
        assert!(std::env::var_os("CI").is_none(), "Chromium is required in CI (.ci/run installs it)");
        eprintln!("SKIPPED: no chromium on PATH; install Debian's `chromium` to run the browser tests");
    }
    browser
}

#[test]
fn a_browser_shows_the_reports_as_a_person_would_see_them() {
    let Some(browser) = browser_or_skip() else { return };
    let (_ws, out) = html_samples();
    let profile = tempfile::tempdir().unwrap();
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../browser");
    std::fs::create_dir_all(&shots).unwrap();

    let (partner, log) = inspect(&browser, &out, "partners/medivorm.html", profile.path());
    assert_eq!(partner["title"], "Medivorm B.V. · Partnerrapport");
    assert_eq!(partner["h1"], "Medivorm B.V.");
    assert_eq!(partner["glance"], 5, "five proposition rows");
    assert_eq!(partner["scripts"], 0);
    let svgs = partner["svgs"].as_array().unwrap();
    assert!(!svgs.is_empty());
    for size in svgs {
        assert!(
            size[0].as_i64().unwrap() > 100 && size[1].as_i64().unwrap() > 100,
            "chart too small: {size}"
        );
    }
    let (network, log2) = inspect(&browser, &out, "network.html", profile.path());
    assert_eq!(network["h1"], "Netwerkrapport");
    assert!(network["svgs"][0][0].as_i64().unwrap() > 300, "the network map is drawn: {network}");
    let (index, log3) = inspect(&browser, &out, "index.html", profile.path());
    assert_eq!(index["h1"], "Partnerportefeuille");
    assert_eq!(index["heat"], 12, "one row per partner");
    for log in [log, log2, log3] {
        let errors: Vec<&str> =
            log.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught")).collect();
        assert!(errors.is_empty(), "console errors: {errors:?}");
    }
    for page in ["index.html", "network.html", "partners/medivorm.html", "shared/medivorm/medivorm.html"] {
        let png = shots.join(format!("{}.png", page.replace('/', "-")));
        screenshot(&browser, &out.join(page), &png, profile.path());
    }
}

#[test]
fn axe_core_finds_no_serious_accessibility_problem_on_any_page() {
    let Some(browser) = browser_or_skip() else { return };
    let Some(axe) = axe_core() else {
        assert!(std::env::var_os("CI").is_none(), "axe-core is required in CI (.ci/run installs it)");
        eprintln!("SKIPPED: needs `npm install --prefix target/axe axe-core`");
        return;
    };
    let (_ws, out) = html_samples();
    let profile = tempfile::tempdir().unwrap();
    let axe = format!("file://{}", axe.display());
    let mut pages = vec!["index.html".to_owned(), "network.html".to_owned()];
    for entry in std::fs::read_dir(out.join("partners")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".html") {
            pages.push(format!("partners/{name}"));
        }
    }
    for entry in std::fs::read_dir(out.join("shared")).unwrap() {
        let id = entry.unwrap().file_name().to_string_lossy().into_owned();
        pages.push(format!("shared/{id}/{id}.html"));
    }
    pages.sort();
    let mut problems = Vec::new();
    // On a desktop and on a phone, where tables and charts scroll in boxes of their own.
    for width in [1200, 390] {
        let harness = AXE_HARNESS.replace("AXE", &axe).replace("WIDTH", &width.to_string());
        for page in &pages {
            let (seen, _) = run_harness(&browser, &out, page, profile.path(), &harness);
            for v in seen["violations"].as_array().unwrap() {
                if matches!(v["impact"].as_str(), Some("serious" | "critical")) {
                    problems.push(format!("{page} at {width} px: {v}"));
                }
            }
            // Nothing makes the page itself scroll sideways.
            let wide = seen["width"].as_u64().unwrap();
            assert!(wide <= width, "{page} is {wide} px wide in a {width} px window");
        }
    }
    assert_eq!(pages.len(), 24, "index, network, twelve partners and ten partner-facing reports");
    assert!(problems.is_empty(), "axe-core:\n{}", problems.join("\n"));
}

#[test]
fn printing_from_the_browser_gives_a4_pages_with_whole_tables() {
    let Some(browser) = browser_or_skip() else { return };
    let (_ws, out) = html_samples();
    let profile = tempfile::tempdir().unwrap();
    for page in ["index.html", "network.html"] {
        let pdf = out.join(format!("{page}.pdf"));
        let status = headless(&browser, profile.path())
            .arg("--no-pdf-header-footer")
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", out.join(page).display()))
            .output()
            .unwrap();
        assert!(status.status.success() && pdf.is_file(), "{page} printed");
        let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo (poppler-utils) is installed");
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains("(A4)"), "{page} prints on A4: {info}");
        let text = Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        // The heatmap's last columns are on the page, not cut off at its right edge.
        let header = text.lines().find(|l| l.contains("Partner") && l.contains("P1")).unwrap_or_default();
        assert!(
            header.contains("P5") && header.contains("Totaal"),
            "{page}: the whole heatmap header: {header}"
        );
    }
}
