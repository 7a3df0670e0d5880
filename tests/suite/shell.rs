//! The shell's view of trustmap: completion scripts that a real bash loads and completes with,
//! and manual pages made from the same command-line definition.

use super::trustmap;

/// What bash offers after `line` (completing its last word), with trustmap's script loaded.
fn bash_completes(line: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let script = trustmap(dir.path(), &["completions", "bash"]);
    assert_eq!(script.code, 0, "{}", script.stderr);
    std::fs::write(dir.path().join("trustmap.bash"), &script.stdout).unwrap();
    let words: Vec<&str> = line.split(' ').collect();
    let program = format!(
        "source ./trustmap.bash\n\
         COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; COMP_WORDS=({words}); COMP_CWORD={cword}\n\
         _trustmap trustmap '{last}' '{previous}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = words.join(" "),
        cword = words.len() - 1,
        last = words[words.len() - 1],
        previous = words[words.len() - 2],
    );
    let output = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .current_dir(dir.path())
        .output()
        .expect("bash runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect()
}

#[test]
fn bash_loads_the_completion_script_and_completes_commands_and_options() {
    assert_eq!(bash_completes("trustmap bu"), ["build"]);
    let commands = bash_completes("trustmap ");
    for command in ["build", "check", "evaluate", "completions", "man"] {
        assert!(commands.iter().any(|c| c == command), "{command} not offered: {commands:?}");
    }
    let options = bash_completes("trustmap build --fo");
    assert!(options.iter().any(|o| o == "--format") && options.iter().any(|o| o == "--force"), "{options:?}");
    assert_eq!(bash_completes("trustmap completions fi"), ["fish"]);
}

#[test]
fn every_shell_gets_a_script_and_an_unknown_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = trustmap(dir.path(), &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        // Fish names a long option without its dashes (`-l force`).
        assert!(run.stdout.contains("build") && run.stdout.contains("force"), "{shell}");
    }
    let run = trustmap(dir.path(), &["completions", "tcsh"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("possible values"), "{}", run.stderr);
}

#[test]
fn the_manual_pages_are_the_command_line_definition() {
    let dir = tempfile::tempdir().unwrap();
    let main = trustmap(dir.path(), &["man"]);
    assert_eq!(main.code, 0, "{}", main.stderr);
    assert!(main.stdout.contains(".TH trustmap 1"), "{}", main.stdout);
    assert!(main.stdout.contains("trustmap\\-build(1)"), "the main page lists the commands' pages");

    let run = trustmap(dir.path(), &["man", "--out", "man/man1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let folder = dir.path().join("man/man1");
    let mut pages: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    pages.sort();
    for page in ["trustmap.1", "trustmap-build.1", "trustmap-templates-export.1", "trustmap-man.1"] {
        assert!(pages.iter().any(|p| p == page), "{page} missing from {pages:?}");
    }
    assert!(run.stdout.contains(&format!("wrote {} manual pages", pages.len())), "{}", run.stdout);
    let build = std::fs::read_to_string(folder.join("trustmap-build.1")).unwrap();
    assert!(build.contains(".TH trustmap-build 1") && build.contains("\\-\\-force"), "{build}");
    // Read as `man` reads it, where a formatter is installed.
    if let Ok(output) = std::process::Command::new("man")
        .arg("-l")
        .arg(folder.join("trustmap-build.1"))
        .env("MANPAGER", "cat")
        .output()
        && output.status.success()
    {
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("--force"), "{text}");
    }
}
