//! What changed between builds, on a project of its own (`powkg new`): `powkg diff` between stores, files and
//! projects, its exit codes and patches, and the change feed a store keeps.

use std::fs;
use std::path::Path;

use crate::util::{powkg_here, tempdir};

fn scaffold(dir: &Path) -> std::path::PathBuf {
    powkg_here(dir, &["new", "proj"]).expect_code(0);
    let proj = dir.join("proj");
    // Its query's kept results describe the graph as scaffolded, which these tests change.
    fs::remove_file(proj.join("queries/example-figures.expected.tsv")).unwrap();
    proj
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} holds {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn diff_names_a_changed_claim_with_its_values_and_source_and_exits_like_diff() {
    let dir = tempdir();
    let proj = scaffold(dir.path());
    powkg_here(&proj, &["build", "--store", "../old"]).expect_code(0);
    powkg_here(&proj, &["build", "--out", "../old.nq"]).expect_code(0);
    edit(&proj.join("data/claims.toml"), "quantity = 1200", "quantity = 1250");
    edit(
        &proj.join("data/claims.toml"),
        "conflicts_with = [\"example-town-population-web\"]\n",
        "",
    );
    edit(
        &proj.join("data/claims.toml"),
        "conflicts_with = [\"example-town-population-book\"]\n",
        "",
    );
    let built = powkg_here(&proj, &["build", "--store", "../new"]).expect_code(0);
    assert!(built.stdout.contains("(a new store)"), "{built}");
    powkg_here(&proj, &["build", "--out", "../new.nq"]).expect_code(0);

    let text = powkg_here(&proj, &["diff", "../old", "../new"]).expect_code(1);
    assert!(text.stdout.contains("claims changed (2)"), "{text}");
    assert!(text.stdout.contains("example-town-population-book"), "{text}");
    assert!(text.stdout.contains("value: 1200 → 1250"), "{text}");
    assert!(text.stdout.contains("conflicts resolved (1)"), "{text}");
    let json = powkg_here(&proj, &["diff", "../old", "../new", "--format", "json"]).expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["format"], "powkg-diff");
    assert_eq!(report["version"], 1);
    // Both claims changed: one's value, and each lost its conflict with the other.
    let claim = &report["claims"]["changed"][0];
    assert_eq!(claim["id"], "example-town-population-book");
    assert_eq!(report["claims"]["changed"][1]["id"], "example-town-population-web");
    let value = claim["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["part"] == "value")
        .unwrap();
    assert_eq!(value["old"], serde_json::json!(["1200"]));
    assert_eq!(value["new"], serde_json::json!(["1250"]));
    assert!(
        claim["source"][0].as_str().unwrap().contains("12"),
        "the reference names its page: {claim}"
    );
    assert_eq!(
        report["conflicts"]["resolved"],
        serde_json::json!([["example-town-population-book", "example-town-population-web"]])
    );
    // Two stores read only the buckets that differ.
    assert!(report["cost"]["differing_buckets"].as_u64().unwrap() < report["cost"]["buckets"].as_u64().unwrap());

    // Dumps compare as the stores do; a store with itself and a dump with itself are equal.
    let files = powkg_here(&proj, &["diff", "../old.nq", "../new.nq", "--format", "json"]).expect_code(1);
    let from_files: serde_json::Value = serde_json::from_str(&files.stdout).unwrap();
    assert_eq!(from_files["claims"], report["claims"]);
    assert!(
        powkg_here(&proj, &["diff", "../old", "../old"])
            .expect_code(0)
            .stdout
            .contains("equal")
    );
    powkg_here(&proj, &["diff", "../old.nq", "../old"]).expect_code(0);
    // A project directory is built for the comparison.
    let project = powkg_here(dir.path(), &["diff", "old", "proj", "--project", "proj"]).expect_code(1);
    assert!(project.stdout.contains("value: 1200 → 1250"), "{project}");
    // Errors: exit 2, the input named.
    let missing = powkg_here(&proj, &["diff", "../old", "../none.ttl"]).expect_code(2);
    assert!(missing.stderr.contains("none.ttl"), "{missing}");
    fs::write(dir.path().join("bad.nt"), "<urn:a> <urn:b> .\n").unwrap();
    let bad = powkg_here(&proj, &["diff", "../old", "../bad.nt"]).expect_code(2);
    assert!(bad.stderr.contains("bad.nt:1:"), "{bad}");

    // The patches: deletions first, then additions, as RDF Patch and as SPARQL Update.
    let patch = powkg_here(&proj, &["diff", "../old", "../new", "--format", "rdf-patch"]).expect_code(1);
    let lines: Vec<&str> = patch.stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"TX ."));
    assert_eq!(lines.last(), Some(&"TC ."));
    let first_add = lines.iter().position(|l| l.starts_with("A ")).unwrap();
    assert!(lines[1..first_add].iter().all(|l| l.starts_with("D ")), "{patch}");
    assert!(
        patch
            .stdout
            .contains("\"1200\"^^<http://www.w3.org/2001/XMLSchema#decimal>"),
        "{patch}"
    );
    let update = powkg_here(&proj, &["diff", "../old", "../new", "--format", "sparql-update"]).expect_code(1);
    let (delete, insert) = update.stdout.split_once(";\nINSERT DATA {").unwrap();
    assert!(
        delete.starts_with("DELETE DATA {") && delete.contains("\"1200\""),
        "{update}"
    );
    assert!(insert.contains("\"1250\""), "{update}");
}

#[test]
fn a_store_keeps_a_change_feed_that_grows_by_what_changed() {
    let dir = tempdir();
    let proj = scaffold(dir.path());
    let first = powkg_here(
        &proj,
        &["build", "--store", "../s", "--feed-page-size", "3", "--report", "json"],
    )
    .expect_code(0);
    let first: serde_json::Value = serde_json::from_str(&first.stdout).unwrap();
    let all = first["changes"]["feed"]["members"].as_u64().unwrap();
    assert!(all > 6, "the first build makes a member of every thing: {first}");
    // Nothing changed: nothing appended.
    let same = powkg_here(
        &proj,
        &["build", "--store", "../s", "--feed-page-size", "3", "--report", "json"],
    )
    .expect_code(0);
    let same: serde_json::Value = serde_json::from_str(&same.stdout).unwrap();
    // The dataset description counts nothing new either: the graph is the same.
    assert_eq!(same["changes"]["changed_subjects"], 0, "{same}");
    assert_eq!(same["changes"]["feed"]["members"], 0, "{same}");
    edit(&proj.join("data/claims.toml"), "quantity = 1500", "quantity = 1600");
    let second = powkg_here(
        &proj,
        &["build", "--store", "../s", "--feed-page-size", "3", "--report", "json"],
    )
    .expect_code(0);
    let second: serde_json::Value = serde_json::from_str(&second.stdout).unwrap();
    let members = second["changes"]["feed"]["members"].as_u64().unwrap();
    assert!(
        members >= 1 && members < all,
        "one changed claim gives a member to its entity: {second}"
    );

    let meta = fs::read_to_string(dir.path().join("s/feed/meta.tsv")).unwrap();
    let pages: Vec<&str> = meta.lines().filter(|l| l.starts_with("page\t")).collect();
    let total = all + members;
    assert_eq!(pages.len() as u64, total.div_ceil(3), "{meta}");
    assert!(meta.contains(&format!("members\t{total}")), "{meta}");
    // The last member is the changed entity's new version, with the new value in its graph.
    let last = fs::read_to_string(dir.path().join(format!("s/feed/pages/{}.nq", pages.len() - 1))).unwrap();
    assert!(
        last.contains("<https://www.w3.org/ns/activitystreams#Update>"),
        "{last}"
    );
    assert!(
        last.contains("\"1600\"^^<http://www.w3.org/2001/XMLSchema#decimal>"),
        "{last}"
    );
    // A failed build leaves the store and its feed as they were.
    fs::write(proj.join("data/claims.toml"), "[[claim]]\nid = \n").unwrap();
    powkg_here(&proj, &["build", "--store", "../s"]).expect_code(2);
    assert_eq!(fs::read_to_string(dir.path().join("s/feed/meta.tsv")).unwrap(), meta);
}

/// Every file under `root` but the site's record for later runs, by path: its mode and bytes.
fn site_files(root: &Path) -> std::collections::BTreeMap<String, (u32, Vec<u8>)> {
    let mut files = std::collections::BTreeMap::new();
    let mut todo = vec![root.to_owned()];
    while let Some(dir) = todo.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if relative.starts_with(".powkg-site.d") {
                continue;
            }
            if path.is_dir() {
                todo.push(path);
            } else {
                use std::os::unix::fs::PermissionsExt as _;
                let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
                files.insert(relative, (mode, fs::read(&path).unwrap()));
            }
        }
    }
    files
}

/// Asserts that two sites hold the same files, byte for byte and with the same modes, naming those that differ.
fn assert_same_site(updated: &Path, whole: &Path, step: &str) {
    let (a, b) = (site_files(updated), site_files(whole));
    let differing: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        differing.is_empty(),
        "{step}: {} files differ from a whole site's, e.g. {:?}",
        differing.len(),
        &differing[..differing.len().min(10)]
    );
}

/// The number after `label` in `powkg site`'s report.
fn reported(run: &crate::util::Run, label: &str) -> u64 {
    let words: Vec<&str> = run.stderr.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| *w == label)
        .unwrap_or_else(|| panic!("no {label:?} in {run}"));
    words[at + 1]
        .trim_end_matches([',', ';'])
        .parse()
        .unwrap_or_else(|_| panic!("{run}"))
}

/// Adds `text` at the end of the file at `path`.
fn append(path: &Path, text: &str) {
    let mut all = fs::read_to_string(path).unwrap();
    all.push_str(text);
    fs::write(path, all).unwrap();
}

/// A `powkg new` project with an item-valued property (so that one entity's page lists another's) and a first
/// entity by IRI (so that the search box's two, by IRI, stay the same as entities come and go after it); the
/// scaffolded entities' text.
fn linked_project(dir: &Path) -> (std::path::PathBuf, String) {
    let proj = scaffold(dir);
    let domain = proj.join("ontology/domain.toml");
    let text = fs::read_to_string(&domain).unwrap();
    let start = text.find("[[property]]").unwrap();
    let near = text[start..]
        .replacen("id = \"population\"", "id = \"near\"", 1)
        .replacen("type = \"quantity\"", "type = \"item\"", 1);
    append(&domain, &format!("\n{near}"));
    let entities = proj.join("data/entities.toml");
    let scaffolded = fs::read_to_string(&entities).unwrap();
    let hamlet = scaffolded[scaffolded.find("[[entity]]").unwrap()..]
        .replacen("id = \"example-town\"", "id = \"aa-hamlet\"", 1)
        .replace("Example Town", "A Hamlet");
    append(&entities, &format!("\n{hamlet}"));
    (proj, scaffolded)
}

/// A change to a project: what it is, whether the site is then written whole, and the change.
type Step<'a> = (&'static str, bool, Box<dyn Fn() + 'a>);

#[test]
fn a_site_over_an_earlier_one_writes_only_what_changed_and_equals_a_whole_site() {
    let dir = tempdir();
    let (proj, scaffolded) = linked_project(dir.path());
    let (entities, claims) = (proj.join("data/entities.toml"), proj.join("data/claims.toml"));
    let site = |extra: &[&str]| {
        let mut args = vec!["site", "--store", "../s", "--out", "../site"];
        args.extend(extra);
        powkg_here(&proj, &args).expect_code(0)
    };
    powkg_here(&proj, &["build", "--store", "../s"]).expect_code(0);
    let first = site(&[]);
    assert!(first.stderr.contains("written to"), "{first}");
    let same = site(&[]);
    assert!(same.stderr.contains("nothing changed"), "{same}");
    let all = reported(&same, "kept");

    let block = &scaffolded[scaffolded.find("[[entity]]").unwrap()..];
    let village = block
        .replacen("id = \"example-town\"", "id = \"example-village\"", 1)
        .replace("Example Town", "Example Village");
    let village_claim = "\n[[claim]]\nid = \"example-village-near-town\"\nsubject = \"example-village\"\nproperty = \
                         \"near\"\nitem = \"example-town\"\nreferences = [{ source = \"example-book\", page = \"13\" \
                         }]\n";
    // Each change, and whether the site is then written whole (the search box of every page offers the labels of the
    // first two entities, by IRI: relabelling one of them changes every page).
    let steps: [Step; 5] = [
        (
            "a value changed",
            false,
            Box::new(|| edit(&claims, "quantity = 1200", "quantity = 1250")),
        ),
        (
            "an entity and a claim pointing at another added",
            false,
            Box::new(|| {
                append(&entities, &format!("\n{village}"));
                append(&claims, village_claim);
            }),
        ),
        (
            "the entity that points at another relabelled",
            false,
            Box::new(|| edit(&entities, "Example Village", "Sample Village")),
        ),
        (
            "an entity the search box offers relabelled",
            true,
            Box::new(|| edit(&entities, "Example Town", "Sample Town")),
        ),
        (
            "the entity and its claim removed",
            false,
            Box::new(|| {
                let e = fs::read_to_string(&entities).unwrap();
                fs::write(&entities, &e[..e.rfind("\n[[entity]]").unwrap()]).unwrap();
                let c = fs::read_to_string(&claims).unwrap();
                fs::write(&claims, c.replace(village_claim, "")).unwrap();
            }),
        ),
    ];
    for (step, whole, change) in &steps {
        change();
        powkg_here(&proj, &["build", "--store", "../s"]).expect_code(0);
        let run = site(&[]);
        if *whole {
            assert!(
                run.stderr.contains("writing the whole site: ") && run.stderr.contains("dataset description"),
                "{step}: {run}"
            );
        } else {
            assert!(run.stderr.contains("updated in"), "{step}: {run}");
            let written = reported(&run, "written");
            assert!(
                written > 0 && written * 2 < all,
                "{step}: a few of {all} files written: {run}"
            );
        }
        powkg_here(&proj, &["site", "--store", "../s", "--out", "../whole", "--whole"]).expect_code(0);
        assert_same_site(&dir.path().join("site"), &dir.path().join("whole"), step);
        if !whole {
            // The copy kept beside the site for the next update is the site.
            assert_same_site(&dir.path().join(".site.site.copy"), &dir.path().join("site"), step);
        }
    }
    // Asked for the whole site, it writes it whole.
    let whole = site(&["--whole"]);
    assert!(whole.stderr.contains("written to"), "{whole}");
    // And links a new copy for the next update (the earlier one is stale): the copy is the site written.
    assert_same_site(&dir.path().join(".site.site.copy"), &dir.path().join("site"), "--whole");
    let next = site(&[]);
    assert!(next.stderr.contains("nothing changed"), "{next}");
}
