//! What users install: the toolchain floor Cargo.toml and the README state, and what
//! `cargo package` ships. (The .deb itself is built and checked by scripts/test.sh.)

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("running cargo");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The host triple, so that `cargo metadata --offline` needs only what this machine compiled.
fn host() -> String {
    let version = run(Command::new("rustc").arg("-vV"));
    version
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

/// "1.94.1" -> (1, 94, 1); "1.85" -> (1, 85, 0).
fn parse_version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().expect("numeric version"));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

/// The highest `rust-version` among the packages rds-inventory builds (normal and build
/// dependencies, transitively, as locked; dev-dependencies such as fake-aws are not built by
/// users), with the packages that declare it.
fn locked_floor(metadata: &Value, root: &str) -> ((u64, u64, u64), Vec<String>) {
    let packages: HashMap<&str, &Value> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let nodes: HashMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let mut seen = HashSet::new();
    let mut pending = vec![root];
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let built = dep["dep_kinds"].as_array().unwrap().iter().any(|k| {
                k["kind"].is_null() || k["kind"].as_str() == Some("build")
            });
            if built {
                pending.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    let mut floor = (0, 0, 0);
    let mut holders = Vec::new();
    for id in seen.into_iter().filter(|id| *id != root) {
        let package = packages[id];
        let Some(declared) = package["rust_version"].as_str() else {
            continue;
        };
        let version = parse_version(declared);
        let name = format!("{} {}", package["name"], package["version"]);
        if version > floor {
            floor = version;
            holders = vec![name];
        } else if version == floor {
            holders.push(name);
        }
    }
    holders.sort();
    (floor, holders)
}

#[test]
fn rust_version_is_the_highest_of_the_locked_dependencies() {
    let text = run(cargo().args([
        "metadata",
        "--format-version",
        "1",
        "--locked",
        "--offline",
        "--filter-platform",
        &host(),
    ]));
    let metadata: Value = serde_json::from_str(&text).unwrap();
    let root = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "rds-inventory")
        .expect("the rds-inventory package");
    let ours = root["rust_version"]
        .as_str()
        .expect("Cargo.toml sets rust-version");
    let (floor, holders) = locked_floor(&metadata, root["id"].as_str().unwrap());
    let floor_text = format!("{}.{}.{}", floor.0, floor.1, floor.2);
    assert_eq!(
        parse_version(ours),
        floor,
        "Cargo.toml's rust-version is {ours}, the locked dependencies need {floor_text} \
         ({}): set rust-version = \"{floor_text}\" and the README's Install section",
        holders.join(", ")
    );

    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .unwrap();
    let sentence = format!("needs a Rust toolchain {ours} or newer");
    assert!(
        readme.contains(&sentence),
        "README.md's Install section must say {sentence:?}"
    );
}

#[test]
fn floor_comparison_sees_patch_versions() {
    assert!(parse_version("1.94.1") > parse_version("1.94"));
    assert_eq!(parse_version("1.85"), (1, 85, 0));
}

#[test]
fn cargo_package_ships_only_what_users_need() {
    let listed = run(cargo().args([
        "package",
        "--list",
        "--allow-dirty",
        "--locked",
        "--offline",
        "-p",
        "rds-inventory",
    ]));
    let files: Vec<&str> = listed.lines().collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "accounts.example.toml",
        "src/main.rs",
        // src/diff/select.rs includes it (the exit codes it documents).
        "docs/diff.md",
        "packaging/systemd/rds-inventory.service",
    ] {
        assert!(files.contains(&needed), "{needed} missing from {files:#?}");
    }
    for file in &files {
        for unwanted in ["bench/", "fake-aws/", "tests/", "scripts/", ".ci/", "BENCHMARKS"] {
            assert!(
                !file.starts_with(unwanted),
                "{file} is in the package: users do not need {unwanted}"
            );
        }
    }
}
