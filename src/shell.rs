//! What the shell needs of trustmap, made from the command-line definition itself so that it
//! cannot drift from it: completion scripts (`trustmap completions SHELL`) and manual pages
//! (`trustmap man`).

use std::io::Write;
use std::path::Path;

use clap::CommandFactory as _;

use crate::cli::Cli;
use crate::write::{Overwrite, atomic};
use crate::{Error, Result};

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<()> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "trustmap", &mut script);
    out.write_all(&script)?;
    Ok(())
}

/// The manual pages: `trustmap.1`, then `trustmap-<command>.1` for each command (and
/// `trustmap-<command>-<subcommand>.1` below it), as file names and roff text.
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut command = Cli::command();
    // Building gives each command its display name (`trustmap-build`), the page's title.
    command.build();
    let mut pages = Vec::new();
    collect(&command, &mut pages)?;
    Ok(pages)
}

fn collect(command: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let name = command.get_display_name().unwrap_or(command.get_name()).to_owned();
    let mut roff = Vec::new();
    // A page footer names the version; clap gives it to the top command only.
    clap_mangen::Man::new(command.clone().version(env!("CARGO_PKG_VERSION"))).render(&mut roff)?;
    pages.push((format!("{name}.1"), roff));
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        collect(sub, pages)?;
    }
    Ok(())
}

/// `trustmap man`: the main page on `out`, or with `dir` every page written into that folder
/// (made if missing; a page already there is replaced, each written whole or not at all).
pub fn man(dir: Option<&Path>, out: &mut dyn Write) -> Result<()> {
    let pages = man_pages()?;
    let Some(dir) = dir else {
        out.write_all(&pages[0].1)?;
        return Ok(());
    };
    std::fs::create_dir_all(dir).map_err(|cause| Error::Write { path: dir.to_owned(), cause })?;
    for (name, roff) in &pages {
        atomic(&dir.join(name), roff, Overwrite::Allow)?;
    }
    writeln!(out, "wrote {} manual pages to {}", pages.len(), crate::diagnostic::path_shown(dir))?;
    Ok(())
}
