//! `powkg export --shards`: sharded dumps for bulk loaders, read back with Oxigraph's parsers and checked against
//! `powkg export --format nquads`, their manifest and `.graph` files, atomic replacement, and a streamed register.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, NamedNode, Quad};
use powkg::store::dump::{ManifestEntry, read_manifest};
use sha2::{Digest, Sha256};

use crate::util::{powkg, tempdir};

/// The bytes of a dump's file, decompressed when gzipped.
fn contents(path: &Path) -> Vec<u8> {
    let raw = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("{} does not decompress: {e}", path.display()));
        out
    } else {
        raw
    }
}

/// Every quad of a dump, each file parsed on its own; N-Triples files take their graph from their `.graph` file.
fn dump_quads(dir: &Path, entries: &[ManifestEntry]) -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for entry in entries {
        let path = dir.join(&entry.file);
        let name = entry.file.strip_suffix(".gz").unwrap_or(&entry.file);
        let graph_file = fs::read_to_string(dir.join(format!("{name}.graph"))).unwrap();
        assert_eq!(graph_file.trim(), entry.graph, "{name}.graph names the graph");
        let format = if Path::new(name).extension().is_some_and(|e| e == "nq") {
            RdfFormat::NQuads
        } else {
            RdfFormat::NTriples
        };
        let quads: Vec<Quad> = RdfParser::from_format(format)
            .for_slice(&contents(&path))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        assert_eq!(
            quads.len() as u64,
            entry.triples,
            "{}: statements in the manifest",
            entry.file
        );
        let graph = NamedNode::new(&entry.graph).unwrap();
        for q in quads {
            if format == RdfFormat::NQuads {
                assert_eq!(
                    q.graph_name,
                    GraphName::from(graph.clone()),
                    "{}: one graph per file",
                    entry.file
                );
            }
            all.insert(Quad::new(q.subject, q.predicate, q.object, graph.clone()).to_string());
        }
    }
    all
}

/// The quads of an N-Quads file.
fn nquads(path: &Path) -> BTreeSet<String> {
    RdfParser::from_format(RdfFormat::NQuads)
        .for_slice(&fs::read(path).unwrap())
        .map(|q| q.map(|q| q.to_string()))
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn shards_hold_the_same_quads_as_the_export_with_manifest_and_graph_files() {
    let dir = tempdir();
    powkg(dir.path(), &["export", "--format", "nquads", "--out", "all.nq"]).expect_code(0);
    let expected = nquads(&dir.path().join("all.nq"));
    for (format, ext, gzip) in [("nquads", "nq", true), ("ntriples", "nt", false)] {
        let out = dir.path().join(format!("dump-{format}"));
        let mut args = vec![
            "export",
            "--format",
            format,
            "--shards",
            "4",
            "--out",
            out.to_str().unwrap(),
        ];
        if gzip {
            args.push("--gzip");
        }
        powkg(dir.path(), &args).expect_code(0);
        let entries = read_manifest(&out).unwrap();
        let graphs: BTreeSet<&str> = entries.iter().map(|e| e.graph.as_str()).collect();
        assert_eq!(graphs.len(), 3, "ontology, data, metadata: {graphs:?}");
        for graph in &graphs {
            let files: Vec<&ManifestEntry> = entries.iter().filter(|e| e.graph == *graph).collect();
            assert_eq!(files.len(), 4, "four files for {graph}");
            let (least, most) = (
                files.iter().map(|e| e.triples).min().unwrap(),
                files.iter().map(|e| e.triples).max().unwrap(),
            );
            assert!(most - least <= 1, "{graph}: even shards {least}..{most}");
        }
        let suffix = if gzip { format!(".{ext}.gz") } else { format!(".{ext}") };
        for e in &entries {
            assert!(e.file.ends_with(&suffix), "{}", e.file);
            let bytes = fs::read(out.join(&e.file)).unwrap();
            assert_eq!(bytes.len() as u64, e.bytes, "{}: bytes in the manifest", e.file);
            assert_eq!(
                powkg_hex(&Sha256::digest(&bytes)),
                e.sha256,
                "{}: SHA-256 in the manifest",
                e.file
            );
            if gzip {
                assert_eq!(&bytes[..2], [0x1f, 0x8b], "{} is gzip", e.file);
            }
        }
        assert_eq!(
            dump_quads(&out, &entries),
            expected,
            "{format}: the shards hold the export's quads"
        );
        let listed: BTreeSet<String> = entries.iter().map(|e| e.file.clone()).collect();
        for file in fs::read_dir(&out).unwrap() {
            let name = file.unwrap().file_name().into_string().unwrap();
            let data = name
                .strip_suffix(".graph")
                .map_or(name.clone(), |n| if gzip { format!("{n}.gz") } else { n.to_owned() });
            assert!(
                name == "manifest.tsv" || listed.contains(&data),
                "{name} is listed in the manifest"
            );
        }
    }
}

fn powkg_hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = std::fmt::Write::write_fmt(&mut s, format_args!("{b:02x}"));
        s
    })
}

#[test]
fn shard_size_bounds_every_file() {
    let dir = tempdir();
    let out = dir.path().join("d");
    powkg(dir.path(), &["export", "--shard-size", "500", "--out", "d"]).expect_code(0);
    let entries = read_manifest(&out).unwrap();
    for e in &entries {
        assert!(e.triples <= 500 && e.triples > 0, "{e:?}");
    }
    let data: Vec<&ManifestEntry> = entries.iter().filter(|e| e.graph.ends_with("/graph/data")).collect();
    let total: u64 = data.iter().map(|e| e.triples).sum();
    assert_eq!(data.len() as u64, total.div_ceil(500), "data: full files but the last");
}

#[test]
fn a_register_streams_into_its_own_shards_with_the_right_total() {
    let dir = tempdir();
    crate::util::generate_register(dir.path(), "20000", None, "reg.csv");
    powkg(dir.path(), &["build", "--register", "reg.csv", "--out", "all.nq"]).expect_code(0);
    let expected = nquads(&dir.path().join("all.nq"));
    powkg(
        dir.path(),
        &[
            "export",
            "--shards",
            "3",
            "--gzip",
            "--register",
            "reg.csv",
            "--out",
            "d",
        ],
    )
    .expect_code(0);
    let out = dir.path().join("d");
    let entries = read_manifest(&out).unwrap();
    let register: Vec<&ManifestEntry> = entries.iter().filter(|e| e.graph.ends_with("/register/reg")).collect();
    assert_eq!(register.len(), 3, "{entries:?}");
    assert!(
        register.iter().all(|e| e.file.starts_with("register-reg.")),
        "{register:?}"
    );
    let in_register = expected.iter().filter(|q| q.contains("/graph/register/reg>")).count() as u64;
    assert!(in_register > 20_000);
    assert_eq!(register.iter().map(|e| e.triples).sum::<u64>(), in_register);
    assert_eq!(dump_quads(&out, &entries), expected);
}

#[test]
fn a_failed_or_killed_run_leaves_the_previous_dump() {
    let dir = tempdir();
    powkg(dir.path(), &["export", "--shards", "2", "--out", "d"]).expect_code(0);
    let out = dir.path().join("d");
    let before = fs::read_to_string(out.join("manifest.tsv")).unwrap();
    // A register with a row that cannot be mapped fails the run.
    crate::util::generate_register(dir.path(), "50", None, "reg.csv");
    let csv = fs::read_to_string(dir.path().join("reg.csv")).unwrap();
    let mut lines: Vec<&str> = csv.lines().collect();
    let broken = lines[40].replacen(',', ",,,", 1);
    lines[40] = &broken;
    fs::write(dir.path().join("reg.csv"), lines.join("\n") + "\n").unwrap();
    let run = powkg(
        dir.path(),
        &["export", "--shards", "3", "--register", "reg.csv", "--out", "d"],
    )
    .expect_code(2);
    assert!(run.stderr.contains("reg.csv:"), "{run}");
    assert_eq!(fs::read_to_string(out.join("manifest.tsv")).unwrap(), before);
    // Killed after writing everything, before the swap.
    let status = Command::new(crate::util::binary())
        .env("POWKG_PROJECT", crate::util::root())
        .args(["export", "--shards", "5", "--out", "d"])
        .current_dir(dir.path())
        .env("POWKG_TEST_ABORT_BEFORE_SWAP", "1")
        .status()
        .unwrap();
    assert!(!status.success());
    assert_eq!(fs::read_to_string(out.join("manifest.tsv")).unwrap(), before);
    assert!(out.join("data.1.nq").exists() && !out.join("data.2.nq").exists());
    // The next run replaces the dump and clears what the killed one left.
    powkg(dir.path(), &["export", "--shards", "5", "--out", "d"]).expect_code(0);
    assert!(out.join("data.4.nq").exists());
    let left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".d."))
        .collect();
    assert!(left.is_empty(), "staging left behind: {left:?}");
}

#[test]
fn sharded_dumps_refuse_what_they_cannot_write() {
    let dir = tempdir();
    fs::create_dir(dir.path().join("mine")).unwrap();
    fs::write(dir.path().join("mine/notes.txt"), "keep").unwrap();
    let run = powkg(dir.path(), &["export", "--shards", "2", "--out", "mine"]).expect_code(2);
    assert!(run.stderr.contains("no manifest.tsv"), "{run}");
    assert_eq!(fs::read_to_string(dir.path().join("mine/notes.txt")).unwrap(), "keep");
    let run = powkg(
        dir.path(),
        &["export", "--shards", "2", "--format", "turtle", "--out", "d"],
    )
    .expect_code(2);
    assert!(run.stderr.contains("ntriples or nquads"), "{run}");
    let run = powkg(dir.path(), &["export", "--gzip", "--out", "x.nq"]).expect_code(2);
    assert!(run.stderr.contains("--shards"), "{run}");
    powkg(dir.path(), &["export", "--shards", "0", "--out", "d"]).expect_code(2);
}
