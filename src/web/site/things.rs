//! The things of a store that have pages, streamed from it, and the writing of each thing's documents by exactly
//! one pass of the site.

use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};

use super::target::{self, SiteError};
use super::written::{Files, Written};
use crate::web::render::{self, DOCUMENTS, Document, Renderer, View, paths};

/// The things minted under the base that have documents, streamed from the store: the subjects of each graph (the
/// store yields a graph's quads by subject), each with its graph, then the property families' predicates, which the
/// graph names without describing (with no graph). A thing that is a subject in several graphs comes once for each;
/// [`writes_here`] says which of them writes it.
pub(super) fn things(
    renderer: &Renderer,
) -> impl Iterator<Item = Result<(NamedNode, Option<GraphName>), crate::store::StoreError>> + '_ {
    let mut predicates: Vec<NamedNode> = renderer
        .dataset()
        .roles
        .keys()
        .filter(|p| renderer.page_path(p).is_some())
        .cloned()
        .collect();
    predicates.sort();
    // The last subject yielded, with its graph: a thing whose quads end one graph and start the next comes for both.
    let mut last: Option<(NamedNode, GraphName)> = None;
    renderer
        .store()
        .iter()
        .filter_map(move |quad| match quad {
            Ok(q) => match q.subject {
                NamedOrBlankNode::NamedNode(s)
                    if last.as_ref().is_none_or(|(l, g)| *l != s || *g != q.graph_name)
                        && renderer.page_path(&s).is_some() =>
                {
                    last = Some((s.clone(), q.graph_name.clone()));
                    Some(Ok((s, Some(q.graph_name))))
                }
                _ => None,
            },
            Err(e) => Some(Err(e)),
        })
        .chain(predicates.into_iter().map(|p| Ok((p, None))))
}

/// Whether the pass over `graph` (`None`: the predicates' pass) writes `iri`'s documents: of the graphs where it is
/// a subject, the least (by name, the default graph first) does; a predicate no graph describes is written by the
/// predicates' pass. So each thing is written exactly once, decided by the store and not by which files exist, and a
/// file already at a thing's path can only be another thing's (on a file system that does not tell case or Unicode
/// normalization apart), which [`write_file`] refuses. `graphs` are the store's graphs, sorted so; one seek in each
/// graph before `graph` (a record of a register: the three curated graphs and the default one).
fn writes_here(
    renderer: &Renderer,
    graphs: &[GraphName],
    iri: &NamedNode,
    graph: Option<&GraphName>,
) -> Result<bool, Written> {
    for earlier in graphs {
        if graph.is_some_and(|g| graph_order(earlier) >= graph_order(g)) {
            break;
        }
        if renderer.store().is_subject_in(iri.as_ref(), earlier.as_ref())? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether the pass over `graph` lists `iri` in the sitemaps: whether it writes its documents (without writing them).
pub(super) fn listed(
    renderer: &Renderer,
    graphs: &[GraphName],
    iri: &NamedNode,
    graph: Option<&GraphName>,
) -> Result<bool, Written> {
    if renderer.page_path(iri).is_none() || !writes_here(renderer, graphs, iri, graph)? {
        return Ok(false);
    }
    // A subject is described by its own triples; a predicate only where its property is.
    Ok(graph.is_some() || !renderer.describe(iri)?.is_empty())
}

/// The order of graphs for [`writes_here`]: the default graph, then named graphs by name.
fn graph_order(graph: &GraphName) -> (u8, &str) {
    match graph {
        GraphName::DefaultGraph => (0, ""),
        GraphName::NamedNode(n) => (1, n.as_str()),
        GraphName::BlankNode(b) => (2, b.as_str()),
    }
}

/// The graph whose pass writes `iri` ([`writes_here`]): the least of `graphs` where it is a subject; `None` when it
/// is a subject in none.
pub(super) fn first_graph(
    renderer: &Renderer,
    graphs: &[GraphName],
    iri: &NamedNode,
) -> Result<Option<GraphName>, Written> {
    for graph in graphs {
        if renderer.store().is_subject_in(iri.as_ref(), graph.as_ref())? {
            return Ok(Some(graph.clone()));
        }
    }
    Ok(None)
}

/// What writing one thing did.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct ThingWritten {
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Whether the thing has documents (it was written by this pass, and the graph describes it).
    pub documented: bool,
    /// Pages of what points at it.
    pub mention_pages: usize,
}

/// Writes the documents of `iri` if the pass over `graph` is the one that writes them ([`writes_here`]); of its
/// pages of mentions, all, or (`only_showing`) those that list one of these things. A thing whose path would lead
/// out of the site, or name no file, stops the site, naming the thing, whichever pass meets it first.
pub(super) fn write_thing(
    files: &Files,
    renderer: &Renderer,
    graphs: &[GraphName],
    iri: &NamedNode,
    graph: Option<&GraphName>,
    only_showing: Option<&std::collections::BTreeSet<NamedNode>>,
) -> Result<ThingWritten, Written> {
    let mut done = ThingWritten::default();
    let Some(path) = renderer.page_path(iri) else {
        return Ok(done);
    };
    let root = files.root();
    let path = path.as_str();
    let of_thing = |e: SiteError| match e {
        SiteError::Path { path, why, .. } => Written::Refused(SiteError::Path {
            path,
            thing: Some(iri.as_str().to_owned()),
            why,
        }),
        other => Written::Refused(other),
    };
    let written_of_thing = |e: Written| match e {
        Written::Refused(e) => of_thing(e),
        other => other,
    };
    // The thing's own path first: `{path}.html` would turn a last segment `..` into the harmless `...html`.
    target::inside(root, path).map_err(of_thing)?;
    for document in DOCUMENTS {
        target::inside(root, &format!("{path}.{}", document.extension())).map_err(of_thing)?;
    }
    if !writes_here(renderer, graphs, iri, graph)? {
        return Ok(done);
    }
    let quads = renderer.describe(iri)?;
    if quads.is_empty() {
        return Ok(done);
    }
    done.documented = true;
    let view = View::new(renderer, Vec::new(), None);
    // The page last, so that its presence says the thing is whole (a later pass skips it).
    for document in DOCUMENTS.iter().rev() {
        let content = match document {
            Document::Html => render::resource(&view, iri, &quads)?.into_string().into_bytes(),
            Document::Rdf(format) => renderer.serialize(&quads, *format)?,
        };
        let (n, size) = files
            .write(&format!("{path}.{}", document.extension()), &content)
            .map_err(written_of_thing)?;
        done.files += n;
        done.bytes += size;
    }
    // What points at a thing with more links than its page shows, page by page.
    if renderer.store().pointing_at_lazily(iri).nth(render::MENTIONS).is_some() {
        // Read once, a page at a time.
        let mut links = renderer.store().links_to(iri);
        let mut next = links.next().transpose()?;
        let mut page = 1;
        while next.is_some() {
            let mut chunk = Vec::with_capacity(render::MENTIONS_PAGE);
            while chunk.len() < render::MENTIONS_PAGE {
                match next.take() {
                    Some(link) => chunk.push(link),
                    None => break,
                }
                next = links.next().transpose()?;
            }
            if only_showing.is_none_or(|shown| chunk.iter().any(|(s, _)| shown.contains(s))) {
                let html = render::mentions_page(&view, iri, page, &chunk, next.is_some()).into_string();
                let (n, size) = files
                    .write(&paths::mentions(path, page), html.as_bytes())
                    .map_err(written_of_thing)?;
                done.files += n;
                done.bytes += size;
            }
            done.mention_pages = page;
            page += 1;
        }
    }
    Ok(done)
}

/// Removes, in an update, the documents of the thing at `path` that the site no longer holds: all of them when it
/// has none now, and its pages of mentions past `mention_pages`. The files removed.
pub(super) fn remove_stale(
    files: &Files,
    path: &str,
    documented: bool,
    mention_pages: usize,
) -> Result<usize, Written> {
    let mut removed = 0;
    if !documented {
        for document in DOCUMENTS {
            removed += usize::from(files.remove(&format!("{path}.{}", document.extension()))?);
        }
    }
    let mut page = mention_pages + 1;
    while files.remove(&paths::mentions(path, page))? {
        removed += 1;
        page += 1;
    }
    Ok(removed)
}
