//! The on-disk store: built, queried, rebuilt atomically, and left intact by failed or killed builds, a full disk and
//! a second build at the same time.

#![cfg(feature = "rocksdb")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::util::{binary, copy_bundled_data, powkg, query_store, tempdir};

fn count_entities(dir: &Path) -> String {
    query_store(
        dir,
        "SELECT (COUNT(*) AS ?n) WHERE { ?e a <http://wikiba.se/ontology#Item> }",
    )
}

#[test]
fn a_store_answers_like_the_in_memory_build() {
    let dir = tempdir();
    powkg(dir.path(), &["build", "--store", "kgstore"]).expect_code(0);
    let from_store = powkg(
        dir.path(),
        &["query", "conflicting-claims", "--store", "kgstore", "--format", "csv"],
    )
    .expect_code(0);
    let in_memory = powkg(dir.path(), &["query", "conflicting-claims", "--format", "csv"]).expect_code(0);
    assert_eq!(from_store.stdout, in_memory.stdout);
    let exported = powkg(dir.path(), &["export", "--store", "kgstore", "--format", "nquads"]).expect_code(0);
    let built = powkg(dir.path(), &["export", "--format", "nquads"]).expect_code(0);
    assert_eq!(exported.stdout, built.stdout, "the store holds exactly the build");
}

#[test]
fn failed_and_killed_rebuilds_leave_the_previous_store_intact() {
    let dir = tempdir();
    let data = copy_bundled_data(dir.path());
    powkg(dir.path(), &["build", "--data", "data", "--store", "kgstore"]).expect_code(0);
    let before = count_entities(dir.path());

    // Bad input: refused before the store is touched.
    fs::write(data.join("zz-broken.toml"), "[[entity]]\nid = \"Bad Id\"\n").unwrap();
    powkg(dir.path(), &["build", "--data", "data", "--store", "kgstore"]).expect_code(2);
    assert_eq!(count_entities(dir.path()), before);

    // A build killed just before the swap: the old store still opens and holds the old graph.
    fs::write(
        data.join("zz-broken.toml"),
        "[[entity]]\nid = \"extra\"\ntype = \"Camp\"\nlabel = { en = \"Extra\", it = \"Extra\" }\n\
         description = { en = \"a test camp\", it = \"un campo di prova\" }\n",
    )
    .unwrap();
    let status = Command::new(binary())
        .env("POWKG_PROJECT", crate::util::root())
        .args(["build", "--data", "data", "--store", "kgstore"])
        .current_dir(dir.path())
        .env("POWKG_TEST_ABORT_BEFORE_SWAP", "1")
        .output()
        .unwrap()
        .status;
    assert!(
        status.code().is_none(),
        "the build was meant to die by a signal, not exit: {status:?}"
    );
    assert_eq!(count_entities(dir.path()), before);

    // A completed rebuild replaces it, and leaves no staging directory behind.
    powkg(dir.path(), &["build", "--data", "data", "--store", "kgstore"]).expect_code(0);
    assert_ne!(count_entities(dir.path()), before);
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".kgstore.building-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "the killed build's staging directory is cleaned up: {leftovers:?}"
    );
}

#[test]
fn a_directory_that_is_not_a_store_is_never_replaced() {
    let dir = tempdir();
    fs::create_dir(dir.path().join("kgstore")).unwrap();
    fs::write(dir.path().join("kgstore/notes.txt"), "mine").unwrap();
    let run = powkg(dir.path(), &["build", "--store", "kgstore"]).expect_code(2);
    assert!(run.stderr.contains("is not an Oxigraph store"), "{run}");
    assert_eq!(
        fs::read_to_string(dir.path().join("kgstore/notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn reading_a_missing_store_is_an_input_error() {
    let dir = tempdir();
    let run = powkg(dir.path(), &["query", "figures", "--store", "nowhere"]).expect_code(2);
    assert!(run.stderr.contains("no Oxigraph store here"), "{run}");
}

/// A small tmpfs mounted on a fresh directory (to fill it), unmounted when dropped.
pub struct SmallDisk {
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    /// Mounts a tmpfs of `size` (`mount -o size=`), or says why not (not root, no `mount`) so that the caller can
    /// say the test is skipped.
    pub fn mount(size: &str) -> Result<Self, String> {
        let dir = tempdir();
        let path = dir.path().join("disk");
        fs::create_dir(&path).unwrap();
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&path)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "mount -t tmpfs failed (it needs root): {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(Self { path, _dir: dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

/// A synthetic register of `rows` rows in `dir`, `big.csv`.
pub fn big_register(dir: &Path, rows: u32) -> PathBuf {
    let rows = rows.to_string();
    crate::util::generate_register(dir, &rows, Some("1"), "big.csv");
    dir.join("big.csv")
}

/// The names in `dir` starting with `prefix`.
fn names_starting(dir: &Path, prefix: &str) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

#[test]
fn a_full_disk_fails_the_store_build_with_the_os_message_and_keeps_the_store() {
    let disk = match SmallDisk::mount("24m") {
        Ok(disk) => disk,
        Err(why) => {
            eprintln!("skipped a_full_disk_fails_the_store_build_with_the_os_message_and_keeps_the_store: {why}");
            return;
        }
    };
    let work = tempdir();
    let csv = big_register(work.path(), 100_000);
    let store = disk.path.join("kgstore");
    let store = store.to_str().unwrap();
    powkg(work.path(), &["build", "--store", store]).expect_code(0);
    let count = || query_store(&disk.path, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }");
    let before = count();

    let run = powkg(
        work.path(),
        &["build", "--register", csv.to_str().unwrap(), "--store", store],
    )
    .expect_code(2);
    assert!(
        run.stderr.contains("No space left on device"),
        "the OS's message\n{run}"
    );
    assert!(run.stderr.contains(store), "the store named\n{run}");
    assert_eq!(count(), before, "the previous store is intact and answers");
    assert_eq!(
        names_starting(&disk.path, ".kgstore"),
        Vec::<String>::new(),
        "nothing left beside the store"
    );
}

#[test]
fn a_full_disk_fails_an_output_with_the_os_message_and_keeps_the_old_file() {
    let disk = match SmallDisk::mount("8m") {
        Ok(disk) => disk,
        Err(why) => {
            eprintln!("skipped a_full_disk_fails_an_output_with_the_os_message_and_keeps_the_old_file: {why}");
            return;
        }
    };
    let work = tempdir();
    let csv = big_register(work.path(), 100_000);
    let out = disk.path.join("out.nt");
    let out_arg = out.to_str().unwrap();
    powkg(work.path(), &["build", "--out", out_arg]).expect_code(0);
    let before = fs::read(&out).unwrap();

    let run = powkg(
        work.path(),
        &["build", "--register", csv.to_str().unwrap(), "--out", out_arg],
    )
    .expect_code(2);
    assert!(
        run.stderr.contains("No space left on device"),
        "the OS's message\n{run}"
    );
    assert!(run.stderr.contains(out_arg), "the output named\n{run}");
    assert_eq!(fs::read(&out).unwrap(), before, "the previous output is intact");
    assert_eq!(
        names_starting(&disk.path, ".powkg-"),
        Vec::<String>::new(),
        "no temporary file left"
    );
}

#[test]
fn a_second_build_into_the_same_store_is_refused_while_one_runs() {
    let dir = tempdir();
    powkg(dir.path(), &["build", "--store", "kgstore"]).expect_code(0);
    let refused = |run: &crate::util::Run| {
        run.stderr
            .starts_with("kgstore: another powkg build is writing this store now (it holds the lock ./.kgstore.lock)")
    };

    // Whoever holds the lock beside the store, a build is refused at once and touches nothing.
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.path().join(".kgstore.lock"))
        .unwrap();
    lock.lock().unwrap();
    let before = count_entities(dir.path());
    let run = powkg(dir.path(), &["build", "--store", "kgstore"]).expect_code(2);
    assert!(refused(&run), "{run}");
    assert_eq!(count_entities(dir.path()), before);
    drop(lock);
    fs::remove_file(dir.path().join(".kgstore.lock")).unwrap();

    // Two real builds: the second starts while the first loads a register.
    let csv = big_register(dir.path(), 50_000);
    let mut first = Command::new(binary())
        .env("POWKG_PROJECT", crate::util::root())
        .args(["build", "--register", csv.to_str().unwrap(), "--store", "kgstore"])
        .current_dir(dir.path())
        .env_remove("POWKG_TEST_ABORT_BEFORE_SWAP")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while names_starting(dir.path(), ".kgstore.building-").is_empty() {
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first build ended before it staged anything"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let second = powkg(dir.path(), &["build", "--store", "kgstore"]);
    let first = first.wait_with_output().unwrap();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let second = second.expect_code(2);
    assert!(refused(&second), "{second}");

    // The store holds the first build's graph and answers.
    let records = query_store(
        dir.path(),
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/powkg/graph/register/big> { ?s a <http://wikiba.se/ontology#Item> } }",
    );
    assert_eq!(records, "n\r\n50000\r\n", "CSV results end lines with CRLF");
    assert_eq!(
        names_starting(dir.path(), ".kgstore"),
        Vec::<String>::new(),
        "no lock or staging left"
    );
}

#[test]
fn a_store_that_cannot_be_swapped_leaves_no_staging_copy() {
    let dir = tempdir();
    powkg(dir.path(), &["build", "--store", "kgstore"]).expect_code(0);
    let before = count_entities(dir.path());
    // A mount point cannot be renamed: the swap fails (EBUSY), as for a store on a volume of its own.
    let store = dir.path().join("kgstore");
    let bound = Command::new("mount").arg("--bind").arg(&store).arg(&store).output();
    if !bound.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!(
            "skipped a_store_that_cannot_be_swapped_leaves_no_staging_copy: mount --bind failed (it needs root): {bound:?}"
        );
        return;
    }
    let runs: Vec<_> = (0..2)
        .map(|_| powkg(dir.path(), &["build", "--store", "kgstore"]))
        .collect();
    let leftovers = names_starting(dir.path(), ".kgstore");
    let after = count_entities(dir.path());
    let _ = Command::new("umount").arg(&store).status();
    for run in runs {
        let run = run.expect_code(2);
        assert!(
            run.stderr.contains("kgstore: cannot move the new store into place"),
            "{run}"
        );
    }
    assert_eq!(leftovers, Vec::<String>::new(), "each failed swap removes its own copy");
    assert_eq!(after, before, "the store in place is untouched");
}

#[test]
fn an_old_store_its_owner_made_read_only_is_removed_when_replaced() {
    // Only a user without root's powers meets the permission; the test runs the builds as `nobody`.
    let dir = tempdir();
    let open_to_all = std::os::unix::fs::PermissionsExt::from_mode(0o1777);
    fs::set_permissions(dir.path(), open_to_all).unwrap();
    let as_nobody = |args: &[&str]| {
        Command::new("runuser")
            .args(["-u", "nobody", "--"])
            .arg(binary())
            .args(args)
            .current_dir(dir.path())
            .env_remove("POWKG_TEST_ABORT_BEFORE_SWAP")
            .output()
    };
    match as_nobody(&["build", "--store", "kgstore"]) {
        Ok(first) if first.status.success() => {}
        other => {
            eprintln!(
                "skipped an_old_store_its_owner_made_read_only_is_removed_when_replaced: cannot run powkg as nobody (it needs root and runuser): {other:?}"
            );
            return;
        }
    }
    let read_only = std::os::unix::fs::PermissionsExt::from_mode(0o555);
    fs::set_permissions(dir.path().join("kgstore"), read_only).unwrap();
    let second = as_nobody(&["build", "--store", "kgstore"]).unwrap();
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    assert_eq!(
        names_starting(dir.path(), ".kgstore"),
        Vec::<String>::new(),
        "the swapped-out store is removed, not left as a staging copy"
    );
    count_entities(dir.path());
}

#[test]
fn queries_and_searches_during_rebuilds_read_one_whole_store() {
    let dir = tempdir();
    powkg(dir.path(), &["build", "--store", "kgstore", "--no-validate"]).expect_code(0);
    let expected = count_entities(dir.path());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let builder = {
        let (stop, cwd) = (stop.clone(), dir.path().to_owned());
        std::thread::spawn(move || {
            let mut builds = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                powkg(&cwd, &["build", "--store", "kgstore", "--no-validate"]).expect_code(0);
                builds += 1;
            }
            builds
        })
    };
    let mut failures = Vec::new();
    let mut runs = 0;
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(20) {
        let query = powkg(
            dir.path(),
            &[
                "query",
                "--store",
                "kgstore",
                "--format",
                "csv",
                "SELECT (COUNT(*) AS ?n) WHERE { ?e a <http://wikiba.se/ontology#Item> }",
            ],
        );
        if query.code != 0 || query.stdout != expected {
            failures.push(query.to_string());
        }
        let search = powkg(dir.path(), &["search", "Lascar", "--store", "kgstore"]);
        if search.code != 0 {
            failures.push(search.to_string());
        }
        runs += 2;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let builds = builder.join().expect("the builds ran");
    assert!(builds >= 2, "only {builds} builds ran beside the readers");
    assert!(
        failures.is_empty(),
        "{} of {runs} reads failed during {builds} builds:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // No reader's snapshot is left beside the store.
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".serving-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
