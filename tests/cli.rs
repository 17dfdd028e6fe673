//! The command line itself: help, completions, man page, and the README staying in step.

mod common;

use common::{readme, Run, Tool};

fn run(args: &[&str]) -> Run {
    Tool::new().args(args).run()
}

/// `--help` as the user sees it.
fn help() -> String {
    let run = run(&["--help"]);
    run.assert_code(0, "--help");
    run.stdout.clone()
}

/// The long flags of the Options section of `--help`, e.g. `--config`.
fn long_flags(help: &str) -> Vec<String> {
    let flags: Vec<String> = help
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('-'))
        .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("--")))
        .map(|w| w.trim_end_matches(['.', ',']).to_string())
        .collect();
    assert!(
        flags.len() >= 15,
        "too few flags found in --help: {flags:?}"
    );
    flags
}

/// The commands of the Commands section of `--help`, but `help`.
fn commands(help: &str) -> Vec<String> {
    let commands: Vec<String> = help
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect();
    assert!(!commands.is_empty(), "no command found in --help");
    commands
}

#[test]
fn completions_render_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = run(&["completions", shell]);
        run.assert_code(0, shell);
        assert!(run.stdout.contains("rds-inventory"), "{shell}");
        assert!(
            run.stdout.contains("tag-column"),
            "{shell} completes the flags"
        );
    }
}

#[test]
fn completions_for_an_unknown_shell_is_a_usage_error() {
    run(&["completions", "tcsh"]).assert_code(2, "tcsh is not supported");
}

/// clap_mangen opens with the two lines that define the `Aq` quote string, then `.TH`.
#[test]
fn man_page_starts_with_the_title_line_of_rds_inventory() {
    let run = run(&["man"]);
    run.assert_code(0, "man");
    let head: Vec<&str> = run.stdout.lines().take(3).collect();
    let title = format!(
        ".TH rds-inventory 1  \"rds-inventory {}\" ",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(
        head,
        [r".ie \n(.g .ds Aq \(aq", r".el .ds Aq '", title.as_str()],
        "roff preamble and title line"
    );
}

#[test]
fn man_page_documents_every_long_flag() {
    let run = run(&["man"]);
    run.assert_code(0, "man");
    for flag in long_flags(&help()) {
        let roff = format!(r"\fB{}\fR", flag.replace('-', r"\-"));
        assert!(run.stdout.contains(&roff), "man page lacks {flag} ({roff})");
    }
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let run = run(&["--no-such-flag"]);
    run.assert_code(2, "unknown flag");
    assert_eq!(run.stdout, "", "nothing on stdout");
    run.assert_stderr_contains("--no-such-flag");
}

/// Every long flag in `--help` is documented in the README (beyond the generated help block).
#[test]
fn readme_documents_every_flag() {
    let prose = readme::text_without_help_block();
    for flag in long_flags(&help()) {
        if flag == "--help" || flag == "--version" {
            continue;
        }
        assert!(prose.contains(&flag), "README does not mention {flag}");
    }
}

#[test]
fn readme_documents_every_command() {
    let text = readme::text();
    for command in commands(&help()) {
        let example = format!("rds-inventory {command}");
        assert!(text.contains(&example), "README has no `{example}`");
    }
}

/// The README's Usage section holds `rds-inventory --help` byte for byte.
#[test]
fn readme_help_block_is_the_help_output() {
    let help = help();
    let block = readme::help_block();
    let first_difference = help
        .lines()
        .zip(block.lines())
        .position(|(h, b)| h != b)
        .unwrap_or(help.lines().count().min(block.lines().count()));
    assert!(
        block == help,
        "README.md's help block differs from `rds-inventory --help` from line {} of the block.\n\
         Regenerate it with: scripts/update-readme-help.sh\n\
         --- rds-inventory --help:\n{help}--- README block:\n{block}",
        first_difference + 1
    );
}
