//! A start without arguments, as Explorer starts the program on a
//! double-click: work in the folder the program stands in. Decides what to
//! do; `main` does it and talks.

use avropskoll::template;
use std::path::{Path, PathBuf};

/// What a start without arguments does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// No register or settings there: write the template, the settings and
    /// the exports folder into this folder (as `init`).
    Init(PathBuf),
    /// Settings (`avropskoll.toml`) or a register template there: check and
    /// run with them.
    Run(Folder),
    /// On a terminal in a folder without either: print a short guide.
    Guide(PathBuf),
}

/// A folder that holds the settings or the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub dir: PathBuf,
    /// `avropskoll.toml` when it exists; else the run uses the template's
    /// names (`register.xlsx`, `exporter/`, `rapporter/`) in `dir`.
    pub config: Option<PathBuf>,
}

impl Folder {
    fn of(dir: &Path) -> Option<Folder> {
        let config = dir.join(template::CONFIG);
        if config.is_file() {
            return Some(Folder {
                dir: dir.to_path_buf(),
                config: Some(config),
            });
        }
        dir.join(template::REGISTER).is_file().then(|| Folder {
            dir: dir.to_path_buf(),
            config: None,
        })
    }
}

/// How the program was started.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    /// By a double-click in Explorer.
    pub explorer: bool,
    /// Standard output is a terminal a person reads.
    pub interactive: bool,
}

/// Decides what a start without arguments does. `cwd` is the working
/// folder, `home` the folder the program stands in. Explorer starts the
/// program in its own folder; a terminal user means the folder they are
/// in. Only a start that no person watches on a terminal (Explorer, or a
/// Windows script) writes the template; a terminal gets a guide.
pub fn plan(cwd: &Path, home: Option<&Path>, start: Start) -> Plan {
    let (first, second) = if start.explorer {
        (home, Some(cwd))
    } else {
        (Some(cwd), home)
    };
    if let Some(folder) = [first, second].into_iter().flatten().find_map(Folder::of) {
        return Plan::Run(folder);
    }
    let here = first.unwrap_or(cwd).to_path_buf();
    if start.explorer || (cfg!(windows) && !start.interactive) {
        Plan::Init(here)
    } else {
        Plan::Guide(cwd.to_path_buf())
    }
}

/// The arguments of `run` for a folder: its settings file, or the
/// template's names when there is none.
pub fn run_args(folder: &Folder) -> avropskoll::cli::RunArgs {
    match &folder.config {
        Some(config) => avropskoll::cli::RunArgs {
            config: Some(config.clone()),
            ..Default::default()
        },
        None => avropskoll::cli::RunArgs {
            agreements: Some(folder.dir.join(template::REGISTER)),
            exports: vec![folder.dir.join(template::EXPORTS)],
            out: Some(folder.dir.join("rapporter")),
            ..Default::default()
        },
    }
}

/// Whether the settings' export folders hold any export file yet (found
/// as a run finds them, nothing read): the first month of a new user has
/// none, and then the register alone is checked.
pub fn has_exports(settings: &avropskoll::config::Settings) -> avropskoll::error::Result<bool> {
    if settings.exports.is_empty() {
        return Ok(false);
    }
    let exclude = avropskoll::read::Exclude {
        out: Some(settings.out.clone()),
        register: Some(settings.agreements.clone()),
    };
    let (files, _) = avropskoll::read::discover(&settings.exports, &exclude, settings.lang)?;
    Ok(!files.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERMINAL: Start = Start {
        explorer: false,
        interactive: true,
    };
    const EXPLORER: Start = Start {
        explorer: true,
        interactive: true,
    };

    #[test]
    fn explorer_in_an_empty_folder_writes_the_template_there() {
        let home = tempfile::tempdir().unwrap();
        let cwd = tempfile::tempdir().unwrap();
        assert_eq!(
            plan(cwd.path(), Some(home.path()), EXPLORER),
            Plan::Init(home.path().to_path_buf())
        );
    }

    #[test]
    fn a_terminal_in_an_empty_folder_gets_the_guide() {
        let cwd = tempfile::tempdir().unwrap();
        assert_eq!(plan(cwd.path(), None, TERMINAL), Plan::Guide(cwd.path().to_path_buf()));
    }

    #[test]
    fn settings_or_a_register_mean_a_run() {
        let home = tempfile::tempdir().unwrap();
        let cwd = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join("avropskoll.toml"), "").unwrap();
        let expected = Plan::Run(Folder {
            dir: home.path().to_path_buf(),
            config: Some(home.path().join("avropskoll.toml")),
        });
        assert_eq!(plan(cwd.path(), Some(home.path()), EXPLORER), expected);
        // From a terminal, the working folder comes first, then the program's.
        assert_eq!(plan(cwd.path(), Some(home.path()), TERMINAL), expected);
        std::fs::write(cwd.path().join("register.xlsx"), "").unwrap();
        let Plan::Run(folder) = plan(cwd.path(), Some(home.path()), TERMINAL) else {
            panic!("no run")
        };
        assert_eq!(folder.config, None);
        let args = run_args(&folder);
        assert_eq!(args.agreements, Some(cwd.path().join("register.xlsx")));
        assert_eq!(args.exports, vec![cwd.path().join("exporter")]);
    }
}
