//! powkg's search service, `SERVICE pks:search { bd:serviceParam pks:query "Riverside" . ?item pks:score ?score }`,
//! answered locally from the store's search index (see [`crate::search`]) by rewriting the algebra: the service
//! becomes a `VALUES` table of its hits, joined with the rest of the group as the service would have been. It
//! never makes a request, and it is not a `SERVICE` call as far as the policy on outbound calls goes.
//!
//! Parameters (subject `bd:serviceParam`): `pks:query` (the words, a constant string; required), `pks:limit` (most
//! hits, 20 by default), `pks:class` (a class IRI: only things of it and statements about them), `pks:language`
//! (the language of `pks:label`). Outputs (subject the hit's variable): `pks:score`, `pks:rank` (1 for the best),
//! `pks:label`, `pks:class`, `pks:field` (the field of the text that matched), `pks:text` (that text) and
//! `pks:snippet` (its part around the matched words, which are in [brackets]).

use std::sync::Arc;

use oxigraph::model::{Literal, NamedNode, Variable};
use spargebra::Query;
use spargebra::algebra::GraphPattern;
use spargebra::term::{GroundTerm, NamedNodePattern, TermPattern};

use crate::search::{Hit, Request, SearchIndex};

/// The search index a query engine answers `pks:search` from, or why it has none.
#[derive(Debug, Clone, Default)]
pub(crate) enum Handle {
    /// No index was given to the engine.
    #[default]
    Missing,
    /// The index.
    Ready(Arc<SearchIndex>),
    /// Why the index could not be opened (an old store without one, for instance).
    Unavailable(String),
}

/// Hits a service gives when its query names no `pks:limit`.
const DEFAULT_LIMIT: usize = 20;

/// Replaces every `pks:search` service of `query` (whose namespace is `ns`) by a table of its hits; the message of
/// the first one that cannot be answered.
pub(crate) fn rewrite(query: &mut Query, ns: &str, handle: &Handle) -> Result<(), String> {
    visit(super::rewrite::pattern_of(query), ns, handle)
}

fn visit(p: &mut GraphPattern, ns: &str, handle: &Handle) -> Result<(), String> {
    if let GraphPattern::Service {
        name: NamedNodePattern::NamedNode(n),
        inner,
        ..
    } = p
        && n.as_str().strip_prefix(ns) == Some("search")
    {
        *p = answer(inner, ns, handle)?;
        return Ok(());
    }
    super::rewrite::children(p)
        .into_iter()
        .try_for_each(|child| visit(child, ns, handle))
}

/// What a hit gives for an output predicate.
#[derive(Debug, Clone, Copy)]
enum Output {
    Score,
    Rank,
    Label,
    Class,
    Field,
    Text,
    Snippet,
}

impl Output {
    fn from_local(local: &str) -> Option<Self> {
        Some(match local {
            "score" => Self::Score,
            "rank" => Self::Rank,
            "label" => Self::Label,
            "class" => Self::Class,
            "field" => Self::Field,
            "text" => Self::Text,
            "snippet" => Self::Snippet,
            _ => return None,
        })
    }

    fn value(self, hit: &Hit) -> GroundTerm {
        let text = |s: &str| GroundTerm::Literal(Literal::new_simple_literal(s));
        match self {
            Self::Score => GroundTerm::Literal(Literal::new_typed_literal(
                hit.score.to_string(),
                oxigraph::model::vocab::xsd::DOUBLE,
            )),
            Self::Rank => GroundTerm::Literal(Literal::from(i64::try_from(hit.rank).unwrap_or(i64::MAX))),
            Self::Label => text(&hit.label),
            Self::Class => GroundTerm::NamedNode(NamedNode::new_unchecked(hit.class.as_str())),
            Self::Field => text(hit.field),
            Self::Text => text(&hit.text),
            Self::Snippet => text(&hit.snippet.marked("[", "]")),
        }
    }
}

/// The table of the hits of the service whose pattern is `inner`.
fn answer(inner: &GraphPattern, ns: &str, handle: &Handle) -> Result<GraphPattern, String> {
    let refuse = |message: &str| Err(format!("SERVICE pks:search: {message}"));
    let GraphPattern::Bgp { patterns } = inner else {
        return refuse("write its parameters and outputs as triples only (no FILTER, OPTIONAL or nested groups)");
    };
    let mut query = None;
    let mut limit = DEFAULT_LIMIT;
    let mut class = None;
    let mut language = None;
    let mut item: Option<Variable> = None;
    let mut outputs: Vec<(Output, Variable)> = Vec::new();
    for t in patterns {
        let NamedNodePattern::NamedNode(predicate) = &t.predicate else {
            return refuse("a variable predicate is not a parameter or an output of the search service");
        };
        let Some(local) = predicate.as_str().strip_prefix(ns) else {
            return refuse(&format!(
                "<{}> is not a parameter or an output of the search service",
                predicate.as_str()
            ));
        };
        match &t.subject {
            TermPattern::NamedNode(n) if n.as_str() == "http://www.bigdata.com/rdf#serviceParam" => {
                match (local, &t.object) {
                    ("query", TermPattern::Literal(l)) => query = Some(l.value().to_owned()),
                    ("query", _) => {
                        return refuse(
                            "pks:query must be a constant string: the words are searched for before the query runs, so \
                         a variable cannot give them",
                        );
                    }
                    ("limit", TermPattern::Literal(l)) => {
                        limit = l
                            .value()
                            .parse()
                            .ok()
                            .filter(|n| (1..=crate::search::MAX_LIMIT).contains(n))
                            .ok_or_else(|| {
                                format!(
                                    "SERVICE pks:search: pks:limit \"{}\" is not a number from 1 to 10000",
                                    l.value()
                                )
                            })?;
                    }
                    ("class", TermPattern::NamedNode(c)) => class = Some(c.as_str().to_owned()),
                    ("language", TermPattern::Literal(l)) => language = Some(l.value().to_owned()),
                    (other, _) => {
                        return refuse(&format!(
                            "pks:{other} is not a parameter (pks:query \"…\", pks:limit N, pks:class <IRI>, pks:language \"tag\")"
                        ));
                    }
                }
            }
            TermPattern::Variable(v) => {
                if item.as_ref().is_some_and(|i| i != v) {
                    return refuse("its outputs must all be about one variable (the matched item)");
                }
                item = Some(v.clone());
                let (Some(output), TermPattern::Variable(o)) = (Output::from_local(local), &t.object) else {
                    return refuse(&format!(
                        "pks:{local} with a constant is not an output (pks:score, pks:rank, pks:label, pks:class, \
                         pks:field, pks:text, pks:snippet, each with a variable)"
                    ));
                };
                outputs.push((output, o.clone()));
            }
            _ => return refuse("its triples are about bd:serviceParam (parameters) or the item's variable (outputs)"),
        }
    }
    let Some(query) = query else {
        return refuse("give the words to search for with bd:serviceParam pks:query \"…\"");
    };
    let Some(item) = item else {
        return refuse("name the matched item's variable with an output, e.g. ?item pks:score ?score");
    };
    let index = match handle {
        Handle::Ready(index) => index,
        Handle::Missing => return refuse("this query engine has no search index"),
        Handle::Unavailable(why) => return refuse(why),
    };
    let hits = index
        .search(&Request {
            query: &query,
            limit,
            class: class.as_deref(),
            language: language.as_deref(),
        })
        .map_err(|e| format!("SERVICE pks:search: {e}"))?;
    let mut variables = vec![item];
    variables.extend(outputs.iter().map(|(_, v)| v.clone()));
    let bindings = hits
        .iter()
        .map(|hit| {
            let mut row = vec![Some(GroundTerm::NamedNode(NamedNode::new_unchecked(hit.iri.as_str())))];
            row.extend(outputs.iter().map(|(o, _)| Some(o.value(hit))));
            row
        })
        .collect();
    Ok(GraphPattern::Values { variables, bindings })
}
