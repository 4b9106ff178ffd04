//! Search latency, measured in-process on the index of a built store: each query of a file (one a line) searched
//! for once to warm the caches, then `runs` times, each search timed; prints the median and 99th percentile as JSON.
//! Run by `benches/search_bench.py`, which builds the stores and writes the queries; by hand:
//!
//!     cargo bench --bench search -- STORE_DIR QUERIES_FILE [RUNS]

use std::time::Instant;

use powkg::search::{Request, SearchIndex};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let [store, queries, rest @ ..] = args.as_slice() else {
        eprintln!("usage: cargo bench --bench search -- STORE_DIR QUERIES_FILE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = rest.first().and_then(|r| r.parse().ok()).unwrap_or(5);
    let index = SearchIndex::open(std::path::Path::new(store)).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let text = std::fs::read_to_string(queries).expect("the queries file");
    let queries: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let search = |query: &str| {
        index
            .search(&Request {
                query,
                limit: 20,
                class: None,
                language: None,
            })
            .expect("a search")
            .len()
    };
    for q in &queries {
        search(q);
    }
    let mut times = Vec::new();
    let mut hits = 0;
    for _ in 0..runs {
        for q in &queries {
            let start = Instant::now();
            hits += search(q);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    // The nearest-rank percentile: the value below which `per_mille`/1000 of the searches took.
    let at = |per_mille: usize| times[(times.len() - 1) * per_mille / 1000];
    println!(
        "{{\"things\": {}, \"queries\": {}, \"searches\": {}, \"mean_hits\": {:.1}, \"median_ms\": {:.3}, \"p99_ms\": {:.3}}}",
        index.len(),
        queries.len(),
        times.len(),
        f64::from(u32::try_from(hits).unwrap_or(u32::MAX)) / f64::from(u32::try_from(times.len()).unwrap_or(u32::MAX)),
        at(500),
        at(990)
    );
}

/// The binary's allocator (`src/main.rs`), so that the figures are those of `powkg` itself.
#[global_allocator]
static ALLOCATOR: powkg::query::sparql::Accounting<mimalloc::MiMalloc> =
    powkg::query::sparql::Accounting(mimalloc::MiMalloc);
