//! The one way to run the `rds-inventory` binary in a test: [`Tool`] (a builder), [`Running`]
//! (a spawned binary) and [`Run`] (what a finished run produced).

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::poll;

/// The binary under test, built by cargo for the integration tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_rds-inventory");
/// A run longer than this is hung: the watchdog kills it and fails the test.
pub const WATCHDOG: Duration = Duration::from_secs(240);

/// The directory a run works in (its cwd and `HOME`).
enum WorkDir {
    /// A fresh temporary directory, deleted with the last owner.
    Owned(tempfile::TempDir),
    /// The caller's directory.
    Given(PathBuf),
}

impl WorkDir {
    fn path(&self) -> &Path {
        match self {
            WorkDir::Owned(dir) => dir.path(),
            WorkDir::Given(path) => path,
        }
    }
}

/// How to run the binary: arguments, environment, stdin, working directory.
///
/// The environment is hermetic: it starts empty and holds only `PATH`, `HOME` (the working
/// directory), `AWS_REGION=us-east-1`, `AWS_EC2_METADATA_DISABLED=true`, `AWS_CONFIG_FILE` and
/// `AWS_SHARED_CREDENTIALS_FILE` naming files that do not exist, and what the test adds with
/// [`Tool::env`] and [`Tool::base_keys`]. Nothing of the user's AWS setup can leak in.
#[must_use]
pub struct Tool {
    workdir: WorkDir,
    /// Overrides of the hermetic environment; `None` removes the variable.
    env: BTreeMap<OsString, Option<OsString>>,
    endpoint: Option<String>,
    args: Vec<OsString>,
    stdin: Option<Vec<u8>>,
    watchdog: Duration,
}

impl Default for Tool {
    fn default() -> Tool {
        Tool::new()
    }
}

impl Tool {
    /// A run in a fresh temporary directory, with no arguments.
    pub fn new() -> Tool {
        let dir = tempfile::tempdir().expect("creating a working directory for rds-inventory");
        Tool {
            workdir: WorkDir::Owned(dir),
            env: BTreeMap::new(),
            endpoint: None,
            args: Vec::new(),
            stdin: None,
            watchdog: WATCHDOG,
        }
    }

    /// Runs in `dir` instead of a fresh directory (the caller keeps it alive).
    pub fn dir(mut self, dir: &Path) -> Tool {
        self.workdir = WorkDir::Given(dir.to_path_buf());
        self
    }

    /// The working directory: the default `./accounts.toml` and relative paths resolve here.
    pub fn workdir(&self) -> &Path {
        self.workdir.path()
    }

    /// `--endpoint-url URL`, placed before the other arguments.
    pub fn endpoint(mut self, url: &str) -> Tool {
        self.endpoint = Some(url.to_string());
        self
    }

    /// The base identity's static keys (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`).
    pub fn base_keys(self, access_key_id: &str, secret_access_key: &str) -> Tool {
        self.env("AWS_ACCESS_KEY_ID", access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", secret_access_key)
    }

    /// Sets one environment variable (over the hermetic defaults too).
    pub fn env(mut self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Tool {
        self.env.insert(
            name.as_ref().to_os_string(),
            Some(value.as_ref().to_os_string()),
        );
        self
    }

    /// Removes one environment variable, a hermetic default or one set before.
    pub fn env_remove(mut self, name: impl AsRef<OsStr>) -> Tool {
        self.env.insert(name.as_ref().to_os_string(), None);
        self
    }

    /// Appends one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Tool {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, args: I) -> Tool
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    /// Bytes written to the binary's stdin (else stdin is empty).
    #[allow(dead_code)] // a documented option of the runner, unused by the tests of today
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Tool {
        self.stdin = Some(bytes.into());
        self
    }

    /// Replaces the [`WATCHDOG`] limit.
    #[allow(dead_code)] // a documented option of the runner, unused by the tests of today
    pub fn watchdog(mut self, limit: Duration) -> Tool {
        self.watchdog = limit;
        self
    }

    /// Runs to the end (or the watchdog) and collects the output.
    pub fn run(self) -> Run {
        self.spawn().wait()
    }

    /// Starts the binary and returns at once, for tests that read stdout as it streams,
    /// interrupt the run, or watch the fake while it runs.
    pub fn spawn(self) -> Running {
        let mut command = Command::new(BIN);
        let home = self.workdir.path();
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", home.join("no-such-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                home.join("no-such-aws-credentials"),
            );
        for (name, value) in &self.env {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        let mut args: Vec<OsString> = Vec::new();
        if let Some(url) = &self.endpoint {
            args.extend(["--endpoint-url".into(), url.into()]);
        }
        args.extend(self.args.iter().cloned());
        command
            .args(&args)
            .current_dir(home)
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = command.spawn().expect("spawning rds-inventory");
        let stdin_writer = self.stdin.map(|bytes| {
            let mut pipe = child.stdin.take().expect("piped stdin");
            // The binary may exit without reading stdin: a broken pipe here is its choice.
            std::thread::spawn(move || drop(pipe.write_all(&bytes)))
        });
        let stderr = child.stderr.take().expect("piped stderr");
        Running {
            stdout: child.stdout.take(),
            child,
            stderr_reader: read_all(stderr),
            stdin_writer,
            started,
            watchdog: self.watchdog,
            args: args
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
            workdir: self.workdir,
        }
    }
}

/// Reads a pipe to its end on a thread of its own, so a full pipe never blocks the child.
fn read_all(mut pipe: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes)
            .expect("reading rds-inventory's output");
        bytes
    })
}

/// A binary that is running; [`Running::wait`] turns it into a [`Run`].
pub struct Running {
    child: Child,
    /// Stdout until a test takes it; else it is read at `wait`.
    stdout: Option<ChildStdout>,
    stderr_reader: JoinHandle<Vec<u8>>,
    stdin_writer: Option<JoinHandle<()>>,
    started: Instant,
    watchdog: Duration,
    args: Vec<String>,
    workdir: WorkDir,
}

impl Running {
    /// Stdout as it is written; dropping the reader closes the pipe, as `| head -1` does.
    /// [`Run::stdout`] is then empty.
    pub fn take_stdout(&mut self) -> BufReader<ChildStdout> {
        BufReader::new(self.stdout.take().expect("stdout was taken already"))
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    #[cfg(unix)]
    pub fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("running kill -INT");
        assert!(status.success(), "kill -INT {} failed", self.child.id());
    }

    /// Waits for the end, killing the binary and failing the test after the watchdog limit.
    pub fn wait(mut self) -> Run {
        let stdout_reader = self.stdout.take().map(read_all);
        let child = &mut self.child;
        let status = poll(self.watchdog, || {
            child.try_wait().expect("waiting for rds-inventory")
        });
        let Some(status) = status else {
            let _ = self.child.kill();
            let _ = self.child.wait();
            let stderr = self.stderr_reader.join().unwrap_or_default();
            panic!(
                "watchdog: rds-inventory {:?} still ran after {:?}; killed it. stderr:\n{}",
                self.args,
                self.watchdog,
                String::from_utf8_lossy(&stderr)
            );
        };
        let elapsed = self.started.elapsed();
        if let Some(writer) = self.stdin_writer {
            writer.join().expect("stdin writer");
        }
        let stdout = stdout_reader
            .map(|reader| reader.join().expect("stdout reader"))
            .unwrap_or_default();
        let stderr = self.stderr_reader.join().expect("stderr reader");
        Run {
            code: status.code(),
            stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            elapsed,
            args: self.args,
            workdir: self.workdir,
        }
    }
}

/// What one run of the binary produced.
pub struct Run {
    /// Exit code; `None` when a signal ended the process.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// From spawn to exit.
    pub elapsed: Duration,
    /// The arguments it ran with, for messages.
    pub args: Vec<String>,
    workdir: WorkDir,
}

impl Run {
    /// Fails unless the exit code is `expected`, showing `what`, stderr and stdout.
    #[track_caller]
    pub fn assert_code(&self, expected: i32, what: &str) -> &Run {
        assert_eq!(
            self.code,
            Some(expected),
            "{what}: exit code of rds-inventory {:?}\n--- stderr:\n{}\n--- stdout:\n{:.4000}",
            self.args,
            self.stderr,
            self.stdout
        );
        self
    }

    /// Fails unless stderr contains `needle`, showing stderr.
    #[track_caller]
    pub fn assert_stderr_contains(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "{needle:?} is not on stderr of rds-inventory {:?}:\n{}",
            self.args,
            self.stderr
        );
        self
    }

    /// Fails if the binary panicked.
    #[track_caller]
    pub fn assert_no_panic(&self) -> &Run {
        assert!(
            !self.stderr.contains("panicked"),
            "panic on stderr:\n{}",
            self.stderr
        );
        self
    }

    /// The `error:` lines on stderr (one per failed target or refused account).
    pub fn error_lines(&self) -> Vec<&str> {
        self.stderr_lines_starting("error:")
    }

    /// The `warning:` lines on stderr.
    pub fn warning_lines(&self) -> Vec<&str> {
        self.stderr_lines_starting("warning:")
    }

    fn stderr_lines_starting(&self, prefix: &str) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with(prefix))
            .collect()
    }

    /// The stderr lines that contain `needle`.
    pub fn stderr_lines_with(&self, needle: &str) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.contains(needle)).collect()
    }

    /// Fails unless exactly one stderr line contains `needle`, and it contains every `part`.
    #[track_caller]
    pub fn assert_one_stderr_line(&self, needle: &str, parts: &[&str]) -> &Run {
        let lines = self.stderr_lines_with(needle);
        assert_eq!(
            lines.len(),
            1,
            "stderr lines with {needle:?}; stderr:\n{}",
            self.stderr
        );
        for part in parts {
            assert!(lines[0].contains(part), "{part:?} is not in {:?}", lines[0]);
        }
        self
    }

    /// Stdout as NDJSON, one value per line; fails on a line that is not JSON.
    #[track_caller]
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {line:?}"))
            })
            .collect()
    }

    /// The text of string field `key` in each NDJSON line of stdout.
    #[track_caller]
    pub fn json_strings(&self, key: &str) -> std::collections::BTreeSet<String> {
        self.json_lines()
            .iter()
            .map(|line| {
                let value = line[key].as_str();
                value
                    .unwrap_or_else(|| panic!("{key} is not a string in {line}"))
                    .to_string()
            })
            .collect()
    }

    /// A file in the run's working directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.workdir.path().join(name)
    }

    /// A file the run wrote in its working directory, parsed as JSON (the summary file).
    #[track_caller]
    pub fn json_file(&self, name: &str) -> serde_json::Value {
        let text = std::fs::read_to_string(self.path(name))
            .unwrap_or_else(|e| panic!("the run wrote no {name}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
    }

    /// The run's working directory.
    pub fn workdir(&self) -> &Path {
        self.workdir.path()
    }

    /// The names in the run's working directory.
    pub fn entries(&self) -> std::collections::BTreeSet<String> {
        std::fs::read_dir(self.workdir())
            .expect("listing the run's working directory")
            .map(|e| {
                e.expect("a directory entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    /// Deletes an owned working directory now: for runs kept in a `static`, never dropped.
    pub fn close(mut self) -> Run {
        let path = self.workdir.path().to_path_buf();
        self.workdir = WorkDir::Given(path);
        self
    }
}
