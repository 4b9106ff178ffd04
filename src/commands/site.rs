//! `powkg site`: open or build the graph, then write it as a static site (see [`powkg::web::site`]).

use std::io::IsTerminal;
use std::sync::Arc;

use crate::commands::Error;
use indicatif::{ProgressBar, ProgressStyle};
use powkg::store::GraphStore;
use powkg::web::render::{Links, Options, Renderer};
use powkg::web::site::{How, Target};

use super::{Status, open_with};
use crate::cli::SiteArgs;

pub fn run(args: &SiteArgs) -> Result<Status, Error> {
    // Before anything is read: a refused `--out` should not wait for a store to open.
    let mut read = super::project::inputs(&args.read.graph)?;
    if let Some(store) = &args.read.store {
        read.push(("--store", store.clone()));
    }
    let inputs: Vec<(&str, &std::path::Path)> = read.iter().map(|(o, p)| (*o, p.as_path())).collect();
    let target = Target::check(&args.out, &inputs)?;
    // A private snapshot of an on-disk store: `powkg build --store` may replace the store while this writes.
    let (store, minter) = open_with(&args.read, GraphStore::open_snapshot)?;
    let options = Options {
        links: Links::Static,
        page_rows: 1000,
        summary_wait: None,
    };
    // The pages' queries run under a deadline and a memory budget, so that the site's memory does not grow with the
    // register: a count or a bundled query past them is shown as not counted or stopped.
    let engine = super::engine(&minter, &args.sparql, Some(args.query_timeout));
    let renderer = Renderer::new(
        Arc::new(store),
        minter,
        engine,
        super::project::queries(&args.read.graph)?,
        options,
    )?;
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("site {spinner} {pos} things · {per_sec} · {elapsed}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let started = std::time::Instant::now();
    let options = powkg::web::site::Options {
        whole: args.whole,
        settings: format!("query-timeout {}", args.query_timeout.as_secs_f64()),
    };
    let report = powkg::web::site::write(&renderer, &target, &options, &|done| bar.set_position(done as u64));
    bar.finish_and_clear();
    renderer.store().discard_snapshot();
    let report = report?;
    let mib = f64::from(u32::try_from(report.bytes / 1024).unwrap_or(u32::MAX)) / 1024.0;
    let seconds = started.elapsed().as_secs_f64();
    let out = args.out.display();
    match &report.how {
        How::Unchanged => eprintln!(
            "site: nothing changed since the site at {out} was written: kept {} files, checked in {seconds:.1} s",
            report.kept
        ),
        How::Updated { subjects } => eprintln!(
            "site: {subjects} subject(s) changed, {} things rendered; written {} files ({mib:.1} MiB), kept {}, \
             removed {}; {out} updated in {seconds:.1} s",
            report.things, report.files, report.kept, report.removed
        ),
        How::Whole | How::WholeBecause(_) => {
            if let How::WholeBecause(why) = &report.how {
                eprintln!("site: writing the whole site: {why}");
            }
            eprintln!(
                "site: {} things, {} files, {mib:.1} MiB, {} sitemap file(s), written to {out} in {seconds:.1} s",
                report.things, report.files, report.sitemaps
            );
        }
    }
    Ok(Status::Success)
}
