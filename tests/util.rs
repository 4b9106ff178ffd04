//! Running the real binary and reporting what ran when an assertion fails.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of `powkg` did.
pub struct Run {
    pub command: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, printing the whole run if it differs.
    #[track_caller]
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(self.code, code, "unexpected exit code\n{self}");
        self
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ran: {}\nexit: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.command, self.code, self.stdout, self.stderr
        )
    }
}

/// The binary under test.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_powkg"))
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled project's profile for `powkg generate-register`.
pub const PROFILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/registers/synthetic.profile.toml");

/// What the repository's own project (the bundled graph) builds.
pub fn bundled_sources() -> powkg::build::pipeline::Sources {
    let project = powkg::build::project::Project::load(&root()).expect("the repository's powkg.toml reads");
    powkg::build::pipeline::Sources::of_project(&project)
}

/// The built-in queries and the repository project's own.
pub fn bundled_queries_result() -> Result<Vec<powkg::query::QueryDef>, powkg::files::diagnostic::Diagnostics> {
    powkg::query::catalog::catalog(Some(&root().join("queries")))
}

/// Runs `powkg ARGS` in `cwd` as a user in a project directory would: the project is the one `cwd` is in (no
/// `POWKG_PROJECT`).
pub fn powkg_here(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(binary())
        .args(args)
        .current_dir(cwd)
        .env_remove("POWKG_PROJECT")
        .env_remove("POWKG_TEST_ABORT_BEFORE_SWAP")
        .output()
        .expect("the powkg binary runs");
    Run {
        command: format!("(cd {} && powkg {})", cwd.display(), args.join(" ")),
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `powkg ARGS` in `cwd`.
pub fn powkg(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(binary())
        .args(args)
        .current_dir(cwd)
        // Tests run in temporary directories; the project they build is the repository's own unless they say.
        .env("POWKG_PROJECT", root())
        .env_remove("POWKG_TEST_ABORT_BEFORE_SWAP")
        .output()
        .expect("the powkg binary runs");
    Run {
        command: format!("(cd {} && powkg {})", cwd.display(), args.join(" ")),
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The CSV results of `sparql` on the on-disk store `dir/kgstore`.
#[cfg(feature = "rocksdb")]
pub fn query_store(dir: &Path, sparql: &str) -> String {
    powkg(dir, &["query", "--store", "kgstore", "--format", "csv", sparql])
        .expect_code(0)
        .stdout
}

/// Runs `powkg generate-register` in `dir` with the bundled project's profile: `rows` rows (of `seed`, else the
/// generator's default) into `out` and its mapping description beside it.
pub fn generate_register(dir: &Path, rows: &str, seed: Option<&str>, out: &str) {
    let mut args = vec!["generate-register", "--profile", PROFILE, "--rows", rows, "--out", out];
    if let Some(seed) = seed {
        args.extend(["--seed", seed]);
    }
    powkg(dir, &args).expect_code(0);
}

/// A fresh temporary directory.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Copies the bundled curated files into `dir/data`, for tests that add to them.
pub fn copy_bundled_data(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("a data directory");
    for entry in std::fs::read_dir(root().join("data")).expect("the bundled data directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            continue; // data/registers/: registers are not curated data
        }
        std::fs::copy(&path, data.join(path.file_name().expect("a file name"))).expect("a copy");
    }
    data
}

/// Whether expected files should be rewritten from actual output (`POWKG_BLESS=1 cargo test`).
pub fn blessing() -> bool {
    std::env::var_os("POWKG_BLESS").is_some()
}
