//! The README and the book are held to the code: their examples are run (shell blocks as
//! scripts, console blocks with trycmd), their commands parsed, their links followed.

#[test]
fn cli_examples_in_the_docs_are_true() {
    trycmd::TestCases::new()
        .register_bin("trustmap", trycmd::cargo::cargo_bin("trustmap"))
        .case("README.md")
        .case("book/src/templates.md");
}

/// The id mdBook gives a heading: lower case, spaces as `-`, only letters, digits, `-` and `_`
/// kept; or the one written after it (`{#id}`).
fn heading_id(text: &str) -> String {
    if let Some(id) = text.trim_end().strip_suffix('}').and_then(|t| t.rsplit_once("{#")).map(|(_, id)| id) {
        return id.to_owned();
    }
    text.trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_lowercase().next().unwrap()),
            _ => None,
        })
        .collect()
}

/// Every link of a Markdown file, and the ids of its headings.
fn links_and_ids(text: &str) -> (Vec<String>, Vec<String>) {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let (mut links, mut ids, mut heading) = (Vec::new(), Vec::new(), None::<String>);
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                links.push(dest_url.to_string())
            }
            Event::Start(Tag::Heading { id, .. }) => {
                if let Some(id) = id {
                    ids.push(id.to_string());
                }
                heading = Some(String::new());
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => ids.extend(heading.take().map(|h| heading_id(&h))),
            _ => {}
        }
    }
    (links, ids)
}

/// The README and every chapter of the book, in order of their paths.
fn doc_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    files.extend(
        std::fs::read_dir(root.join("book/src"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    );
    files.sort();
    files
}

#[test]
fn every_link_in_the_readme_and_the_book_leads_somewhere() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = doc_files();
    let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md")).unwrap();
    let mut broken = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if file.parent().unwrap().ends_with("book/src") && name != "SUMMARY.md" {
            assert!(summary.contains(&format!("({name})")), "{name} is not in SUMMARY.md");
        }
        for link in links_and_ids(&text).0 {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = link.split_once('#').map_or((link.as_str(), None), |(p, a)| (p, Some(a)));
            let target = if path.is_empty() { file.clone() } else { file.parent().unwrap().join(path) };
            if !target.exists() {
                broken.push(format!("{}: {link}: no such file", name));
                continue;
            }
            if let Some(anchor) = anchor
                && target.extension().is_some_and(|e| e == "md")
            {
                let ids = links_and_ids(&std::fs::read_to_string(&target).unwrap()).1;
                if !ids.iter().any(|id| id == anchor) {
                    broken.push(format!("{name}: {link}: no heading with that id"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// The keys trustmap knows in `table` of trustmap.toml, as its own error for an unknown key
/// lists them.
fn known_keys(table: &str) -> Vec<String> {
    let dir = super::workspace(&[("assessments/.keep", "")]);
    let text = if table.is_empty() { "zzz = 1\n".to_owned() } else { format!("[{table}]\nzzz = 1\n") };
    std::fs::write(dir.path().join("trustmap.toml"), text).unwrap();
    let run = super::trustmap(dir.path(), &["check"]);
    let list = run
        .stderr
        .split_once("expected")
        .map(|(_, l)| l.lines().next().unwrap().to_owned())
        .unwrap_or_default();
    list.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

#[test]
fn the_configuration_reference_is_every_key_the_code_knows() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/configuration.md");
    let chapter = std::fs::read_to_string(&path).unwrap();
    // The defaults block is the code's defaults.
    let config: trustmap::workspace::Config = toml::from_str("").unwrap();
    let defaults = toml::to_string(&config).unwrap();
    let (head, rest) = chapter.split_once("```toml\n").unwrap();
    let (block, tail) = rest.split_once("```\n<!-- end of the defaults -->").unwrap();
    if block.trim() != defaults.trim() {
        if std::env::var_os("TRUSTMAP_UPDATE_DOCS").is_some() {
            std::fs::write(
                &path,
                format!("{head}```toml\n{}\n```\n<!-- end of the defaults -->{tail}", defaults.trim()),
            )
            .unwrap();
        } else {
            panic!(
                "the defaults in {} are not the code's (TRUSTMAP_UPDATE_DOCS=1 cargo test updates them):\n{defaults}",
                path.display()
            );
        }
    }
    // Every table of the configuration, and every key of each, is in the chapter.
    let tables = [
        "",
        "targets",
        "evaluation",
        "evaluation.bands",
        "evaluation.caps",
        "evaluation.flags",
        "report",
        "sharing",
        "pdf",
        "limits",
    ];
    let value: toml::Table = toml::from_str(&defaults).unwrap();
    fn walk(prefix: &str, table: &toml::Table, out: &mut Vec<String>) {
        for (key, value) in table {
            if let toml::Value::Table(inner) = value {
                let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                if !inner.is_empty() {
                    out.push(name.clone());
                }
                walk(&name, inner, out);
            }
        }
    }
    let mut found = Vec::new();
    walk("", &value, &mut found);
    for table in &found {
        assert!(tables.contains(&table.as_str()), "[{table}] is not checked here: add it to the list");
    }
    for table in tables {
        let keys = known_keys(table);
        assert!(!keys.is_empty(), "no keys for [{table}]");
        for key in keys {
            let dotted = if table.is_empty() { key.clone() } else { format!("{table}.{key}") };
            let documented = block.contains(&format!("\n{key} ="))
                || block.starts_with(&format!("{key} ="))
                || chapter.contains(&format!("`{dotted}`"))
                || chapter.contains(&format!("`{dotted}.<"))
                || chapter.contains(&format!("`[{dotted}]`"));
            assert!(documented, "`{dotted}` is not in the configuration reference");
        }
    }
}

/// The CLI reference: each command's `--help`, as clap makes it from the definition.
fn cli_reference() -> String {
    use clap::CommandFactory as _;
    fn pages(command: &mut clap::Command, name: &str, out: &mut String) {
        out.push_str(&format!(
            "\n## `{name}`\n\n```text\n{}\n```\n",
            command.render_long_help().to_string().trim_end()
        ));
        let subs: Vec<String> =
            command.get_subcommands().map(|s| s.get_name().to_owned()).filter(|s| s != "help").collect();
        for sub in subs {
            let command = command.find_subcommand_mut(&sub).unwrap();
            pages(command, &format!("{name} {sub}"), out);
        }
    }
    let mut command = trustmap::cli::Cli::command().term_width(100);
    command.build();
    let mut out = String::from(
        "# Command-line reference\n\nEvery command's `--help`, made from the same definition as the binary (the tests fail when\nthis page differs from it; `TRUSTMAP_UPDATE_DOCS=1 cargo test` writes it anew). Shell\ncompletion and manual pages come from it too: see [Getting started](getting-started.md#in-your-shell).\n",
    );
    pages(&mut command, "trustmap", &mut out);
    out
}

#[test]
fn the_cli_reference_is_the_cli() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/cli.md");
    let made = cli_reference();
    if std::fs::read_to_string(&path).ok().as_deref() != Some(made.as_str()) {
        if std::env::var_os("TRUSTMAP_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &made).unwrap();
        } else {
            panic!(
                "{} is not the CLI's help (TRUSTMAP_UPDATE_DOCS=1 cargo test writes it anew)",
                path.display()
            );
        }
    }
}

/// The words of a shell command line: split at spaces, with `"…"` and `'…'` kept whole.
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut started) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, ' ') => {
                if started || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (None, c) => word.push(c),
        }
    }
    if started || !word.is_empty() {
        words.push(word);
    }
    words
}

#[test]
fn every_command_in_the_readme_and_the_book_is_one_trustmap_takes() {
    use clap::Parser as _;
    let files = doc_files();
    let (mut checked, mut wrong) = (0, Vec::new());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // The lines of code blocks, and the inline code (`trustmap init --example`).
        let (mut lines, mut in_block) = (Vec::new(), false);
        for event in pulldown_cmark::Parser::new(&text) {
            match event {
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::CodeBlock(_)) => in_block = true,
                pulldown_cmark::Event::End(pulldown_cmark::TagEnd::CodeBlock) => in_block = false,
                pulldown_cmark::Event::Text(t) if in_block => {
                    lines.extend(t.lines().map(|l| (l.to_owned(), false)))
                }
                pulldown_cmark::Event::Code(t) => lines.push((t.to_string(), true)),
                _ => {}
            }
        }
        for (line, inline) in &lines {
            let Some(command) = Some(line.trim_start_matches("$ ")).filter(|l| l.starts_with("trustmap "))
            else {
                continue;
            };
            // The command itself: not what the shell does with it after.
            let command = [" | ", " > ", " && ", " # ", " 2>"]
                .iter()
                .fold(command, |c, cut| c.split(cut).next().unwrap())
                .trim();
            // A synopsis (`[--format text|json]`, `ID|NAME`, `PATH...`, `--out DIR`) is not a
            // command line.
            let placeholder =
                |word: &str| word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase() || c == '_');
            if command.contains('[')
                || command.contains("...")
                || command.contains('…')
                || command.contains('|')
                || command.split([' ', '=']).any(placeholder)
            {
                continue;
            }
            checked += 1;
            match trustmap::cli::Cli::try_parse_from(shell_words(command)) {
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
                    ) => {}
                // Inline, `trustmap new` names the command in a sentence.
                Err(e)
                    if *inline
                        && matches!(
                            e.kind(),
                            clap::error::ErrorKind::MissingRequiredArgument
                                | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                        ) => {}
                Err(e) => wrong.push(format!(
                    "{}: `{command}`: {}",
                    file.file_name().unwrap().to_string_lossy(),
                    e.kind()
                )),
            }
        }
    }
    assert!(checked > 60, "only {checked} commands found");
    assert!(wrong.is_empty(), "commands trustmap would refuse:\n{}", wrong.join("\n"));
}

/// The shell blocks (```` ```sh ````) of a Markdown file that run trustmap, each as its lines.
fn shell_blocks(text: &str) -> Vec<String> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    let (mut blocks, mut current) = (Vec::new(), None::<String>);
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if &*info == "sh" => {
                current = Some(String::new())
            }
            Event::Text(t) => {
                if let Some(block) = current.as_mut() {
                    block.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    // The README's first block is the set-up (`cargo run`, `cargo test`), which CI runs itself.
    blocks.retain(|b| b.contains("trustmap ") && !b.contains("cargo "));
    blocks
}

/// Every shell example of the README and the book runs: a file's blocks, in order, as one bash
/// script, in a fresh copy of the samples workspace with the files its examples name (from
/// `tests/fixtures/book/<chapter>/`), `trustmap` on the PATH, a home folder of its own and an
/// editor that stands in for the consultant. A command that fails fails the test, with the
/// script's trace.
/// (Synopses, with their `[OPTIONS]`, are `text` blocks: they are parsed, not run.)
#[test]
fn every_shell_example_in_the_readme_and_the_book_runs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_trustmap")).parent().unwrap().to_owned();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let files = doc_files();
    let (mut ran, mut failed) = (Vec::new(), Vec::new());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let blocks = shell_blocks(&text);
        if blocks.is_empty() {
            continue;
        }
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = tempfile::tempdir().unwrap();
        let (work, home) = (dir.path().join("work"), dir.path().join("home"));
        super::copy_dir(&super::samples(), &work);
        let fixtures = root.join("tests/fixtures/book").join(&stem);
        super::copy_dir(&fixtures, &work);
        // A file the chapter shows (a mapping file, say) is the one its examples run with.
        for entry in std::fs::read_dir(&fixtures).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let shown = std::fs::read_to_string(&path).unwrap();
                assert!(text.contains(&shown), "{} is not as {stem}.md shows it", path.display());
            }
        }
        std::fs::create_dir_all(&home).unwrap();
        // The consultant at the editor: a form's unanswered questions get a 2 (a weak
        // relationship, so there are flags to plan for), a plan's proposed actions are agreed.
        let editor = home.join("interview");
        std::fs::write(
            &editor,
            "#!/bin/sh\nsed -i -E 's/^(  [a-z_]+\\.[a-z_]+):$/\\1: 2/; s/^( +status:) proposed$/\\1 agreed/' \"$@\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let script = format!("set -euo pipefail\n{}", blocks.concat());
        let output = std::process::Command::new("bash")
            .args(["-xc", &script])
            .current_dir(&work)
            .env("PATH", &path)
            .env("HOME", &home)
            .env("EDITOR", &editor)
            .env("NO_COLOR", "1")
            .env("XDG_CACHE_HOME", super::cache())
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.org")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.org")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        ran.push(stem.clone());
        if !output.status.success() {
            failed.push(format!("{stem}.md:\n{}", String::from_utf8_lossy(&output.stderr)));
        }
    }
    assert!(failed.is_empty(), "shell examples that fail:\n{}", failed.join("\n"));
    assert!(ran.len() >= 8, "only these files have shell examples: {ran:?}");
}
