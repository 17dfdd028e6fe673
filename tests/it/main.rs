//! The integration tests, one crate: the helpers in `tests/common/` compile once and the suite
//! links once. The tests run the real binary through [`common::Tool`] (the documented recipes
//! through bash, as written), against moto, against the fault-injecting fake (`fake-aws`), or
//! against nothing at all.
//!
//! A new test goes into the module of what it tests (the kind, the flag, the command); a new
//! file directly under `tests/` would be a test binary of its own, compiling the helpers again.
//! Run one area with `cargo test --test it kinds::snapshots::`.

#[path = "../common/mod.rs"]
mod common;

/// `--help`, completions, the man page, and the docs held to the flags and commands.
mod cli;
/// What users install (the toolchain floor, what `cargo package` ships) and what an optional
/// lookup may cost a run.
mod packaging;
/// The `diff` command: on two files, and on the output of two runs.
mod diff {
    mod files;
    mod runs;
}
/// Every documented `jq` recipe, run through the real jq on the tool's output.
mod doc_recipes;
/// Faults the fake injects (credentials, throttling, hangs, bad answers), interrupts, pipes.
mod faults;
/// The `fields` command and `--columns` checked against it.
mod fields;
/// Heavy throttling, partitions (GovCloud, China), session limits, missing credentials.
mod hardening;
/// The inventory of DB instances against moto: every format, the output file, `--account`,
/// `--region`, accounts-file errors and organization discovery; and the moto helper itself.
mod inventory;
/// One module per resource kind, each against the fake and against moto (judged by boto3).
mod kinds {
    mod clusters {
        mod fake;
        mod moto;
    }
    mod instances {
        mod fake;
        mod moto;
    }
    mod snapshots {
        mod fake;
        mod moto;
    }
    /// The kinds of the registry after the first four, against the fake.
    mod registry_fake;
    /// The same kinds against moto, judged by boto3.
    mod registry_moto;
    /// Reserved DB instances against the fake (moto does not serve them).
    mod reservations;
}
/// `--metrics`: the Prometheus text file.
mod metrics;
/// `--with parameters` (encryption in transit from the parameter groups) and the
/// parameter-group kinds, against the fake and against moto (judged by boto3).
mod parameters {
    mod fake;
    mod moto;
}
/// `--with price`: on-demand list prices.
mod price;
/// `--with utilization`: CloudWatch's daily points, against the fake (RPC v2 CBOR) and against
/// moto (the points boto3 put, through scripts/moto_server.py's CBOR bridge).
mod utilization {
    mod fake;
    mod moto;
}
