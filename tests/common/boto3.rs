//! boto3 in moto's virtualenv, the third party that judges the records: one way to run an
//! inline script hermetically, and botocore's names as the SDK's snake_case.

use std::path::PathBuf;
use std::process::Command;

use super::moto::moto_server_path;

/// moto's virtualenv's python, next to its `moto_server`.
pub fn python() -> PathBuf {
    let python = moto_server_path().with_file_name("python");
    assert!(
        python.is_file(),
        "no python next to moto_server at {}: run scripts/setup-moto.sh",
        python.display()
    );
    python
}

/// Runs the inline boto3 `script` with `args`, without the user's AWS files; panics with its
/// stderr unless it succeeds, else returns its stdout.
pub fn run_script(script: &str, args: &[&str]) -> String {
    let output = Command::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/nonexistent/rds-inventory-tests/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rds-inventory-tests/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .output()
        .expect("running boto3");
    assert!(
        output.status.success(),
        "boto3 {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("boto3 prints UTF-8")
}

/// botocore's `DBSubnetGroupName` as the SDK's snake_case: `db_subnet_group_name`.
pub fn snake_case(pascal: &str) -> String {
    let chars: Vec<char> = pascal.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let after_lower = i > 0 && !chars[i - 1].is_ascii_uppercase();
            let starts_word = i > 0
                && chars[i - 1].is_ascii_uppercase()
                && chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if after_lower || starts_word {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
