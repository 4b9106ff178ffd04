//! `powkg query`: a bundled query by name, a query file, or inline text; parameters bound; results written.

use std::io::{IsTerminal, Write};

use crate::commands::Error;
use powkg::files::input::read_text;
use powkg::files::output::write_atomically;
use powkg::query::{self, Outcome, QueryDef};

use super::{Status, open, output_error};
use crate::cli::QueryArgs;

pub fn run(args: &QueryArgs) -> Result<Status, Error> {
    let def = resolve(args)?;
    let (store, minter) = open(&args.read)?;
    let engine = super::engine(&minter, &args.sparql, None).with_language(&args.lang);
    // The search index only where the query may call the search service (its IRI, written any way, holds the word):
    // an in-memory graph's index is built for it.
    let engine = if def.text.contains("search") {
        engine.with_search(powkg::search::SearchIndex::of_store(&store, &minter))
    } else {
        engine
    };
    let prefixes = minter.prefixes();
    let format = args.format.as_deref();
    let outcome = if let Some(path) = &args.out {
        // Results are formatted first, so that a failing query never replaces the file.
        let (outcome, buffer) = query::run(&def, &args.params, &store, &engine, &minter, |results| {
            let mut buffer = Vec::new();
            let outcome = query::write_results(results, format, false, &prefixes, &mut buffer)?;
            Ok((outcome, buffer))
        })?;
        write_atomically(path, |w| w.write_all(&buffer)).map_err(output_error(path))?;
        outcome
    } else {
        let terminal = std::io::stdout().is_terminal();
        query::run(&def, &args.params, &store, &engine, &minter, |results| {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let outcome = query::write_results(results, format, terminal, &prefixes, &mut out)?;
            out.flush()?;
            Ok(outcome)
        })?
    };
    Ok(match outcome {
        Outcome::Boolean(false) => Status::Problems,
        _ => Status::Success,
    })
}

/// The query named, read from `--file`, or given inline.
fn resolve(args: &QueryArgs) -> Result<QueryDef, Error> {
    if let Some(path) = &args.file {
        let file = read_text(path).map_err(|d| Error::Input(powkg::files::diagnostic::Diagnostics(vec![d])))?;
        return Ok(QueryDef::parse(&file.path, &file.text)?);
    }
    let text = args.query.as_deref().unwrap_or_default();
    let bundled = super::project::queries(&args.read.graph)?;
    if let Some(def) = bundled.iter().find(|q| q.name == text) {
        return Ok(def.clone());
    }
    let looks_like_a_name = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if looks_like_a_name {
        return Err(Error::UnknownQuery {
            name: text.to_owned(),
            available: bundled.iter().map(|q| q.name.as_str()).collect::<Vec<_>>().join(", "),
        });
    }
    Ok(QueryDef::parse("<inline query>", text)?)
}
