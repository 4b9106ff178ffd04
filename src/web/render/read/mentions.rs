//! What points at a thing, as its page says it: the things whose statements, references or facts point at it,
//! read from its first [`MENTIONS`] incoming links (a place a large register names in every row has hundreds of thousands), and how
//! many links there are in all.

use std::collections::BTreeMap;

use oxigraph::model::{NamedNode, Term};

use super::dataset::Dataset;
use super::queries::PageQuery;
use super::reader::Reader;
use super::statement::claimed_by;
use crate::query::select::Slice;
use crate::rdf::iri::IriKind;
use crate::web::render::failure::Failure;

/// Most links into a thing that its page follows ("Mentioned by"); the others are counted and left to a query.
pub const MENTIONS: usize = 300;

/// The things pointing at a thing.
pub(crate) struct Mentions {
    /// Each thing and the property it points with, once, sorted.
    pub found: Vec<(NamedNode, NamedNode)>,
    /// The links followed (at most [`MENTIONS`]).
    pub followed: usize,
    /// How many links there are in all, or why they were not counted.
    pub all: Result<usize, String>,
}

/// The things whose statements, references or facts point at `iri`.
pub(crate) fn mentions(reader: &Reader<'_>, dataset: &Dataset, iri: &NamedNode) -> Result<Mentions, Failure> {
    let target: &[(&str, Term)] = &[("target", iri.clone().into())];
    let mut found: BTreeMap<String, (NamedNode, NamedNode)> = BTreeMap::new();
    let links = reader.select(PageQuery::LinksTo, target, Slice::first(MENTIONS))?;
    for link in &links {
        let (Some(Term::NamedNode(s)), Some(Term::NamedNode(predicate))) = (link.get("s"), link.get("p")) else {
            continue;
        };
        let kind = reader.minter.kind(s.as_str());
        let statements: Vec<NamedNode> = if kind == Some(IriKind::Statement) {
            vec![s.clone()]
        } else if kind == Some(IriKind::Reference) {
            // A reference node is shared by every statement citing the same words: bounded too.
            let rows = reader.select(
                PageQuery::CitingStatements,
                &[("reference", s.clone().into())],
                Slice::first(MENTIONS),
            )?;
            rows.iter()
                .filter_map(|row| match row.get("statement") {
                    Some(Term::NamedNode(n)) => Some(n.clone()),
                    _ => None,
                })
                .collect()
        } else if kind == Some(IriKind::Value) || crate::rdf::iri::is_beneath(s.as_str(), iri.as_str()) {
            Vec::new()
        } else {
            found.insert(
                format!("{}\u{0}{}", s.as_str(), predicate.as_str()),
                (s.clone(), predicate.clone()),
            );
            Vec::new()
        };
        // One line per thing and property, however many of its statements point here.
        for statement in statements {
            if let Some((entity, property)) = claimed_by(reader, dataset, &statement) {
                found.insert(
                    format!("{}\u{0}{}", entity.as_str(), property.as_str()),
                    (entity, property),
                );
            }
        }
    }
    let all = if links.len() < MENTIONS {
        Ok(links.len())
    } else {
        match reader.select(PageQuery::CountLinksTo, target, Slice::default()) {
            Ok(rows) => match rows.first().and_then(|row| row.get("n")) {
                Some(Term::Literal(n)) => n.value().parse().map_err(|_| n.value().to_owned()),
                _ => Ok(0),
            },
            Err(failure) => Err(failure.message().to_owned()),
        }
    };
    Ok(Mentions {
        found: found.into_values().collect(),
        followed: links.len(),
        all,
    })
}
