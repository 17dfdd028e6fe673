//! The command line itself: help, version, completions, man page, and the docs (README.md and
//! docs/*.md) staying in step.

use crate::common;

use common::{docs, Account, AccountsFile, Run, Tool};

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

/// An endpoint that is not a URL is refused before any call (exit 2, naming where it came
/// from): an empty one used to crash the SDK inside every target and end the run with exit 0
/// and no records.
#[test]
fn an_endpoint_that_is_not_a_url_is_a_usage_error() {
    let with_accounts = |tool: Tool| {
        AccountsFile::new()
            .regions(["us-east-1"])
            .role_name("Reader")
            .account(Account::new("111111111111"))
            .write(tool.workdir());
        tool.base_keys("AKIDEXAMPLE", "not-a-secret")
    };
    for (url, says) in [
        ("", "--endpoint-url is empty"),
        ("localhost:4566", "http://"),
    ] {
        let run = with_accounts(Tool::new().args(["--endpoint-url", url])).run();
        run.assert_code(2, &format!("--endpoint-url {url:?}"));
        run.assert_stderr_contains(says).assert_no_panic();
        assert_eq!(run.stdout, "", "no records");
    }
    let run = with_accounts(Tool::new().env("AWS_ENDPOINT_URL", "")).run();
    run.assert_code(2, "AWS_ENDPOINT_URL set but empty");
    run.assert_stderr_contains("AWS_ENDPOINT_URL is empty")
        .assert_no_panic();
}

/// Every long flag in `--help` is documented in the docs (beyond the generated help block).
#[test]
fn docs_document_every_flag() {
    let prose = docs::prose();
    for flag in long_flags(&help()) {
        if flag == "--help" || flag == "--version" {
            continue;
        }
        assert!(prose.contains(&flag), "no document mentions {flag}");
    }
}

#[test]
fn docs_document_every_command() {
    let prose = docs::prose();
    for command in commands(&help()) {
        let example = format!("rds-inventory {command}");
        assert!(prose.contains(&example), "no document has `{example}`");
    }
}

/// docs/usage.md holds `rds-inventory --help` byte for byte.
#[test]
fn docs_help_block_is_the_help_output() {
    let help = help();
    let block = docs::help_block();
    let first_difference = help
        .lines()
        .zip(block.lines())
        .position(|(h, b)| h != b)
        .unwrap_or(help.lines().count().min(block.lines().count()));
    assert!(
        block == help,
        "{}'s help block differs from `rds-inventory --help` from line {} of the block.\n\
         Regenerate it with: scripts/update-docs.sh\n\
         --- rds-inventory --help:\n{help}--- docs block:\n{block}",
        docs::USAGE,
        first_difference + 1
    );
}

/// `--version` and `-V` print the package version, as the changelog and the man page name it.
#[test]
fn version_flag_prints_the_package_version() {
    let expected = format!("rds-inventory {}\n", env!("CARGO_PKG_VERSION"));
    for flag in ["--version", "-V"] {
        let run = run(&[flag]);
        run.assert_code(0, flag);
        assert_eq!(run.stdout, expected, "{flag}");
    }
}

/// The README stays a front door: it fits on a few screens, and the rest is in docs/.
#[test]
fn readme_is_at_most_250_lines_and_every_doc_link_resolves() {
    let readme = docs::text("README.md");
    let lines = readme.lines().count();
    assert!(
        lines <= 250,
        "README.md has {lines} lines; move detail to docs/"
    );
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, body) in docs::all() {
        let dir = root
            .join(&path)
            .parent()
            .expect("a directory")
            .to_path_buf();
        for target in body
            .split("](")
            .skip(1)
            .filter_map(|rest| rest.split(')').next())
        {
            if target.starts_with("http") || target.starts_with('#') {
                continue;
            }
            let file = target.split('#').next().expect("a path");
            assert!(
                dir.join(file).exists(),
                "{path} links to {target}, which does not exist"
            );
        }
    }
}

/// The kinds `rds-inventory fields --kind` accepts: the binary's own list (its possible values).
fn kinds() -> Vec<String> {
    let run = run(&["fields", "--help"]);
    run.assert_code(0, "fields --help");
    let after = run
        .stdout
        .split_once("--kind <KIND>")
        .expect("fields --help documents --kind")
        .1;
    let block = after.split_once("[default").map_or(after, |(b, _)| b);
    let kinds: Vec<String> = block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .filter_map(|l| l.split_once(':').map(|(name, _)| name.to_string()))
        .collect();
    assert!(kinds.contains(&"instances".to_string()), "kinds: {kinds:?}");
    kinds
}

/// The record is a public interface: every field `rds-inventory fields --kind KIND` lists, for
/// every kind, is named (in backticks) in CHANGELOG.md, and the package version has its
/// section there.
#[test]
fn changelog_names_every_field_of_every_kind_and_the_version() {
    let changelog = docs::text("CHANGELOG.md");
    let kinds = kinds();
    assert!(kinds.len() >= 9, "kinds: {kinds:?}");
    let mut names: Vec<String> = Vec::new();
    for kind in &kinds {
        let run = run(&["fields", "--kind", kind, "-f", "ndjson"]);
        run.assert_code(0, "fields --kind");
        let fields: Vec<String> = run
            .json_lines()
            .iter()
            .map(|field| field["name"].as_str().expect("a field name").to_string())
            .collect();
        // Every kind has a dozen or more (a blue/green deployment the fewest: 14).
        assert!(
            fields.len() > 12,
            "too few {kind} fields listed: {fields:?}"
        );
        names.extend(fields);
    }
    let missing: Vec<&String> = names
        .iter()
        .filter(|name| !changelog.contains(&format!("`{name}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "CHANGELOG.md names no line for these fields (add them, in backticks): {missing:?}"
    );
    let section = format!("## [{}]", env!("CARGO_PKG_VERSION"));
    assert!(
        changelog.contains(&section),
        "CHANGELOG.md has no {section}"
    );
}

/// A subcommand's `--help` lists only the options it takes: the run's options (accounts file,
/// AWS, reporting) belong to the inventory and to `plan`, not to `diff`, `fields`, `kinds`,
/// `completions` or `man`.
#[test]
fn each_subcommands_help_shows_only_the_options_that_apply_to_it() {
    let run_options = [
        "--config",
        "--profile",
        "--endpoint-url",
        "--concurrency",
        "--region",
    ];
    for command in ["diff", "fields", "kinds", "completions", "man"] {
        let help = run(&[command, "--help"]);
        help.assert_code(0, command);
        for option in run_options {
            assert!(
                !help.stdout.contains(option),
                "`{command} --help` lists {option}, which it ignores"
            );
        }
    }
    let plan = run(&["plan", "--help"]);
    for option in run_options {
        assert!(plan.stdout.contains(option), "`plan --help` lacks {option}");
    }
}

/// `plan` takes the run's options after it as well as before it; after it, they win.
#[test]
fn plan_takes_the_runs_options_before_or_after_it() {
    let tool = Tool::new();
    let dir = tool.workdir().to_path_buf();
    AccountsFile::new()
        .regions(["eu-west-1"])
        .account(Account::new("111111111111").name("prod"))
        .write_as(&dir, "a.toml");
    AccountsFile::new()
        .regions(["us-east-1"])
        .account(Account::new("222222222222").name("staging"))
        .write_as(&dir, "b.toml");
    let before = Tool::new()
        .args(["-c", dir.join("a.toml").to_str().expect("utf-8"), "plan"])
        .run();
    before.assert_code(0, "-c before plan");
    assert!(before.stdout.contains("111111111111"), "{}", before.stdout);
    let after = Tool::new()
        .args(["-c", dir.join("a.toml").to_str().expect("utf-8")])
        .args(["plan", "-c", dir.join("b.toml").to_str().expect("utf-8")])
        .run();
    after.assert_code(0, "-c after plan");
    assert!(
        after.stdout.contains("222222222222") && !after.stdout.contains("111111111111"),
        "{}",
        after.stdout
    );
}

/// docs/usage.md holds every command's `--help` byte for byte, and names every command.
#[test]
fn docs_hold_every_commands_help() {
    let doc = docs::text(docs::USAGE);
    let listed = commands(&help());
    assert!(listed.len() >= 6, "{listed:?}");
    for command in listed.iter().filter(|c| *c != "help") {
        let run = run(&[command, "--help"]);
        run.assert_code(0, command);
        let (start, end) = (
            format!("<!-- help:{command}:start -->\n```text\n"),
            format!("```\n<!-- help:{command}:end -->"),
        );
        let block = doc
            .split_once(&start)
            .and_then(|(_, rest)| rest.split_once(&end))
            .map(|(block, _)| block)
            .unwrap_or_else(|| panic!("{} has no help block for {command}", docs::USAGE));
        assert!(
            block == run.stdout,
            "{}'s help block of `{command}` differs from the binary; run scripts/update-docs.sh",
            docs::USAGE
        );
    }
}
