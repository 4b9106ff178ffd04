//! Export round trips and determinism: every format parses back to the same graph, and two builds give the same
//! bytes and the same canonical hash.

use std::fs;

use oxigraph::io::RdfParser;
use oxigraph::model::{GraphName, Quad};
use powkg::build::pipeline;
use powkg::rdf::format::{self, ExportFormat};
use powkg::rdf::hash::canonical_hash;
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};

use crate::util::{powkg, tempdir};

fn bundled_quads() -> Vec<Quad> {
    let minter = Minter::new(DEFAULT_BASE_IRI).unwrap();
    pipeline::build(&crate::util::bundled_sources(), &minter).unwrap().quads
}

fn parse(path: &std::path::Path, format: ExportFormat) -> Vec<Quad> {
    let bytes = fs::read(path).unwrap();
    RdfParser::from_format(format.oxigraph())
        .for_slice(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{} does not parse back: {e}", path.display()))
}

#[test]
fn every_format_parses_back_to_the_same_graph() {
    let quads = bundled_quads();
    let union: Vec<Quad> = format::union_triples(&quads)
        .into_iter()
        .map(|t| t.in_graph(GraphName::DefaultGraph))
        .collect();
    let dir = tempdir();
    for format in ExportFormat::ALL {
        let name = format.name();
        let path = dir.path().join(format!("powkg.{}", format.extension()));
        powkg(
            dir.path(),
            &["export", "--format", name, "--out", path.to_str().unwrap()],
        )
        .expect_code(0);
        let parsed = parse(&path, format);
        let expected = if format.keeps_graphs() { &quads } else { &union };
        assert_eq!(parsed.len(), expected.len(), "{name}: statement count");
        assert_eq!(
            canonical_hash(&parsed),
            canonical_hash(expected),
            "{name}: the graph read back differs"
        );
    }
}

#[test]
fn two_builds_give_identical_bytes_and_hash() {
    let dir = tempdir();
    for format in ExportFormat::ALL {
        let name = format.name();
        let a = dir.path().join(format!("a.{}", format.extension()));
        let b = dir.path().join(format!("b.{}", format.extension()));
        let ra = powkg(dir.path(), &["build", "--out", a.to_str().unwrap(), "--report", "json"]).expect_code(0);
        let rb = powkg(dir.path(), &["build", "--out", b.to_str().unwrap(), "--report", "json"]).expect_code(0);
        assert_eq!(
            fs::read(&a).unwrap(),
            fs::read(&b).unwrap(),
            "{name} output differs between two builds"
        );
        let hash = |r: &str| serde_json::from_str::<serde_json::Value>(r).unwrap()["canonical_hash"]["value"].clone();
        assert_eq!(hash(&ra.stdout), hash(&rb.stdout));
    }
}

#[test]
fn turtle_declares_only_prefixes_it_uses_and_groups_subjects() {
    let dir = tempdir();
    let path = dir.path().join("g.ttl");
    powkg(dir.path(), &["build", "--out", path.to_str().unwrap()]).expect_code(0);
    let text = fs::read_to_string(&path).unwrap();
    let (head, body): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| l.starts_with("PREFIX "));
    let body = body.join("\n");
    for line in head {
        let prefix = line.trim_start_matches("PREFIX ").split(':').next().unwrap();
        assert!(body.contains(&format!("{prefix}:")), "{prefix}: is declared but unused");
    }
    // Grouped by subject: each subject starts one block (a line at column 0) exactly once.
    let starts: Vec<&str> = body
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let mut unique = starts.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(starts.len(), unique.len(), "a subject appears in two blocks");
}

#[test]
fn bundled_turtle_matches_the_golden_file() {
    let minter = Minter::new(DEFAULT_BASE_IRI).unwrap();
    let mut out = Vec::new();
    format::write(&bundled_quads(), ExportFormat::Turtle, &minter.prefixes(), &mut out).unwrap();
    let golden = crate::util::root().join("tests/golden/powkg.ttl");
    if crate::util::blessing() {
        fs::create_dir_all(golden.parent().unwrap()).unwrap();
        fs::write(&golden, &out).unwrap();
    }
    let expected = fs::read(&golden).expect("tests/golden/powkg.ttl exists (POWKG_BLESS=1 writes it)");
    if out != expected {
        let actual = String::from_utf8_lossy(&out);
        let expected = String::from_utf8_lossy(&expected);
        let first = actual.lines().zip(expected.lines()).position(|(a, e)| a != e);
        panic!(
            "the bundled Turtle differs from tests/golden/powkg.ttl (first differing line: {first:?}); review the change, then bless"
        );
    }
}
