//! `powkg search`: the search index of the store (or of the bundled graph built in memory) asked for a query; hits
//! written as text, JSON or TSV.

use std::io::Write;

use crate::commands::Error;
use powkg::search::{Hit, Request, SearchIndex};

use super::{Status, open, output_error};
use crate::cli::{SearchArgs, SearchFormat};

pub fn run(args: &SearchArgs) -> Result<Status, Error> {
    // The query is checked before anything is built or opened: a bad one is answered at once.
    powkg::search::UserQuery::parse(&args.query)?;
    let (store, minter) = open(&args.read)?;
    let index = SearchIndex::of_store(&store, &minter)?;
    let class = args
        .class
        .as_deref()
        .map(|c| powkg::search::class_iri(c, &minter).map_err(|e| Error::Usage(format!("--class {e}"))))
        .transpose()?;
    if let (Some(iri), Some(written)) = (&class, &args.class) {
        known_class(&store, &minter, iri, written)?;
    }
    let hits = index.search(&Request {
        query: &args.query,
        limit: usize::try_from(args.limit).unwrap_or(usize::MAX),
        class: class.as_deref(),
        language: args.lang.as_deref(),
    })?;
    let prefixes = minter.prefixes();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write(&mut out, &hits, args.format, &prefixes)
        .and_then(|()| out.flush())
        .map_err(output_error(std::path::Path::new("-")))?;
    Ok(Status::Success)
}

/// Refuses a `--class` the graph does not know, naming those it does: the ontology's classes, and the Wikibase
/// classes of items, statements and references.
fn known_class(
    store: &powkg::store::GraphStore,
    minter: &powkg::rdf::iri::Minter,
    iri: &str,
    written: &str,
) -> Result<(), Error> {
    use oxigraph::model::{NamedOrBlankNode, Term};
    use powkg::rdf::vocab::{owl, rdf, wikibase};
    let ontology = store.in_graph(minter.graph(powkg::rdf::iri::GraphKind::Ontology).as_ref())?;
    let mut known: Vec<String> = ontology
        .iter()
        .filter(|q| q.predicate == rdf::TYPE && q.object == Term::from(owl::CLASS))
        .filter_map(|q| match &q.subject {
            NamedOrBlankNode::NamedNode(n) => Some(n.as_str().to_owned()),
            NamedOrBlankNode::BlankNode(_) => None,
        })
        .collect();
    known.extend([wikibase::ITEM, wikibase::STATEMENT, wikibase::REFERENCE].map(|c| c.as_str().to_owned()));
    if known.iter().any(|k| k == iri) {
        return Ok(());
    }
    let prefixes = minter.prefixes();
    let mut names: Vec<String> = known.iter().map(|k| short(k, &prefixes)).collect();
    names.sort();
    names.dedup();
    Err(Error::Usage(format!(
        "--class {written}: the graph has no such class; its classes are {}",
        names.join(", ")
    )))
}

/// `iri` as a prefixed name where one of `prefixes` fits.
fn short(iri: &str, prefixes: &[(String, String)]) -> String {
    powkg::rdf::iri::shorten(iri, prefixes).unwrap_or_else(|| format!("<{iri}>"))
}

fn write(
    out: &mut impl Write,
    hits: &[Hit],
    format: SearchFormat,
    prefixes: &[(String, String)],
) -> std::io::Result<()> {
    match format {
        SearchFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, hits)?;
            writeln!(out)
        }
        SearchFormat::Tsv => {
            writeln!(out, "rank\tscore\tclass\tlabel\tiri\tfield\tsnippet")?;
            let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
            for hit in hits {
                writeln!(
                    out,
                    "{}\t{:.3}\t{}\t{}\t{}\t{}\t{}",
                    hit.rank,
                    hit.score,
                    short(&hit.class, prefixes),
                    clean(&hit.label),
                    hit.iri,
                    hit.field,
                    clean(&hit.snippet.marked("[", "]"))
                )?;
            }
            Ok(())
        }
        SearchFormat::Text => {
            if hits.is_empty() {
                writeln!(out, "no match")?;
            }
            for hit in hits {
                writeln!(
                    out,
                    "{:>3}. {:>7.3}  {}  {}  <{}>",
                    hit.rank,
                    hit.score,
                    short(&hit.class, prefixes),
                    hit.label,
                    hit.iri
                )?;
                writeln!(
                    out,
                    "      {}: {}",
                    hit.field,
                    hit.snippet.marked("[", "]").replace('\n', " ")
                )?;
            }
            Ok(())
        }
    }
}
