//! End-to-end benchmark of the bundled build: read and validate the curated files, map them, load an in-memory
//! store, run every bundled query, and write pretty Turtle. Prints the figures and the command that reproduces them.
//!
//! Run: `cargo bench --bench bundled_build` (optionally `-- ITERATIONS`).

use std::time::{Duration, Instant};

use powkg::build::pipeline::{self, Sources};
use powkg::query::sparql::Engine;
use powkg::query::{self, catalog};
use powkg::rdf::format::{self, ExportFormat};
use powkg::rdf::iri::{DEFAULT_BASE_IRI, Minter};
use powkg::store::GraphStore;

/// The repository's directory: its powkg.toml is the bundled project.
fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What the bundled project builds.
fn bundled_sources() -> Sources {
    Sources::of_project(&powkg::build::project::Project::load(&root()).expect("the bundled powkg.toml reads"))
}

/// Wall time of each stage of one end-to-end run.
#[derive(Default, Clone, Copy)]
struct Stages {
    build: Duration,
    load: Duration,
    queries: Duration,
    turtle: Duration,
}

impl Stages {
    fn total(self) -> Duration {
        self.build + self.load + self.queries + self.turtle
    }
}

fn once(prefixes: &[(String, String)], per_query: &mut Vec<(String, Duration)>) -> (Stages, usize, usize) {
    let mut stages = Stages::default();
    let mut clock = Instant::now();
    let mut lap = |slot: &mut Duration| {
        *slot = clock.elapsed();
        clock = Instant::now();
    };
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("default base IRI");
    let built = pipeline::build(&bundled_sources(), &minter).expect("bundled data builds");
    lap(&mut stages.build);
    let store = GraphStore::in_memory(&built.quads).expect("in-memory store");
    lap(&mut stages.load);
    let queries = catalog::catalog(Some(&root().join("queries"))).expect("bundled queries parse");
    let mut sink = Vec::new();
    per_query.clear();
    let engine = Engine::new(&minter);
    for def in &queries {
        let start = Instant::now();
        // What a script gets in a pipe: TSV for SELECT/ASK, Turtle for CONSTRUCT.
        query::run(def, &[], &store, &engine, &minter, |results| {
            query::write_results(results, None, false, prefixes, &mut sink)
        })
        .expect("query runs");
        per_query.push((def.name.clone(), start.elapsed()));
    }
    lap(&mut stages.queries);
    let mut turtle = Vec::new();
    format::write(
        &store.quads().expect("quads"),
        ExportFormat::Turtle,
        prefixes,
        &mut turtle,
    )
    .expect("turtle");
    lap(&mut stages.turtle);
    (stages, built.quads.len(), queries.len())
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let iterations: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(30);
    let minter = Minter::new(DEFAULT_BASE_IRI).expect("default base IRI");
    let prefixes = minter.prefixes();
    let mut per_query = Vec::new();
    let (_, quads, queries) = once(&prefixes, &mut per_query); // warm-up
    let mut runs: Vec<Stages> = (0..iterations).map(|_| once(&prefixes, &mut per_query).0).collect();
    runs.sort_by_key(|s| s.total());
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = runs[runs.len() / 2];
    println!("bundled build, end to end (read + validate + map {quads} quads + load + {queries} queries + Turtle)");
    println!(
        "  iterations {iterations}: min {:.1} ms, median {:.1} ms, max {:.1} ms",
        ms(runs[0].total()),
        ms(median.total()),
        ms(runs[runs.len() - 1].total())
    );
    println!(
        "  median run by stage: build {:.1} ms, load {:.1} ms, queries {:.1} ms, Turtle {:.1} ms",
        ms(median.build),
        ms(median.load),
        ms(median.queries),
        ms(median.turtle)
    );
    per_query.sort_by_key(|(_, d)| std::cmp::Reverse(*d));
    let slowest: Vec<String> = per_query
        .iter()
        .take(3)
        .map(|(n, d)| format!("{n} {:.1} ms", ms(*d)))
        .collect();
    println!("  slowest queries (last run): {}", slowest.join(", "));
    match peak_rss_kib() {
        Some(kib) => println!("  peak resident memory (VmHWM) {} KiB ({} MiB)", kib, kib / 1024),
        None => println!("  peak resident memory: not available on this system"),
    }
    println!("  reproduce: cargo bench --bench bundled_build -- {iterations}");
}

/// The binary's allocator (`src/main.rs`), so that the figures are those of `powkg` itself.
#[global_allocator]
static ALLOCATOR: powkg::query::sparql::Accounting<mimalloc::MiMalloc> =
    powkg::query::sparql::Accounting(mimalloc::MiMalloc);
