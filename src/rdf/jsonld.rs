//! Compact JSON-LD for the documents of things: the graph's prefixes as a `@context` (the one `powkg serve` and
//! `powkg site` publish at `/context.jsonld`, and embed in each document so that it reads without a request), IRIs
//! written as `prefix:local`, `rdf:type` as `@type`, a language-tagged string as `{"@value", "@language"}`, an
//! `xsd:string` as a plain JSON string, and each named graph as an `@graph` of its own. Keys and values are sorted,
//! so a document is the same bytes for the same quads.
//!
//! Oxigraph's JSON-LD serializer (used for dumps, which stream) writes full IRIs; this one holds the quads of one
//! document, which are few.

use std::collections::BTreeMap;
use std::io::{self, Write};

use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Quad, Term};
use serde_json::{Map, Value, json};

use crate::rdf::vocab::{rdf, xsd};

/// The `@context` of the graph's prefixes.
pub fn context(prefixes: &[(String, String)]) -> Value {
    let mut map = Map::new();
    for (prefix, namespace) in prefixes {
        map.insert(prefix.clone(), Value::String(namespace.clone()));
    }
    Value::Object(map)
}

/// The context document published at `/context.jsonld`.
pub fn context_document(prefixes: &[(String, String)]) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(&json!({ "@context": context(prefixes) })).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// `iri` as `prefix:local` where a namespace fits (see [`crate::rdf::iri::shorten`]), else in full.
fn compact(iri: &str, prefixes: &[(String, String)]) -> String {
    crate::rdf::iri::shorten(iri, prefixes).unwrap_or_else(|| iri.to_owned())
}

fn node_id(node: &NamedOrBlankNode, prefixes: &[(String, String)]) -> String {
    match node {
        NamedOrBlankNode::NamedNode(n) => compact(n.as_str(), prefixes),
        NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
    }
}

// Triple terms (RDF 1.2) are not written by powkg's graphs; a document holding one is refused.
#[allow(clippy::match_wildcard_for_single_variants)]
fn value(term: &Term, prefixes: &[(String, String)]) -> io::Result<Value> {
    Ok(match term {
        Term::NamedNode(n) => json!({ "@id": compact(n.as_str(), prefixes) }),
        Term::BlankNode(b) => json!({ "@id": format!("_:{}", b.as_str()) }),
        Term::Literal(l) => match l.language() {
            Some(language) => json!({ "@value": l.value(), "@language": language }),
            None if l.datatype() == xsd::STRING => Value::String(l.value().to_owned()),
            None => json!({ "@value": l.value(), "@type": compact(l.datatype().as_str(), prefixes) }),
        },
        other => {
            return Err(io::Error::other(format!(
                "JSON-LD documents hold no triple terms: {other}"
            )));
        }
    })
}

/// Writes `quads` as one compact JSON-LD document with the graph's prefixes as its context.
pub fn write(quads: &[Quad], prefixes: &[(String, String)], out: &mut impl Write) -> io::Result<()> {
    // graph -> subject -> key -> values
    type Nodes = BTreeMap<String, BTreeMap<String, Vec<Value>>>;
    let mut graphs: BTreeMap<Option<String>, Nodes> = BTreeMap::new();
    for quad in quads {
        let graph = match &quad.graph_name {
            GraphName::NamedNode(g) => Some(compact(g.as_str(), prefixes)),
            GraphName::BlankNode(b) => Some(format!("_:{}", b.as_str())),
            GraphName::DefaultGraph => None,
        };
        let node = graphs
            .entry(graph)
            .or_default()
            .entry(node_id(&quad.subject, prefixes))
            .or_default();
        let (key, object) = if quad.predicate == rdf::TYPE {
            match &quad.object {
                Term::NamedNode(n) => ("@type".to_owned(), Value::String(compact(n.as_str(), prefixes))),
                other => (compact(quad.predicate.as_str(), prefixes), value(other, prefixes)?),
            }
        } else {
            (
                compact(quad.predicate.as_str(), prefixes),
                value(&quad.object, prefixes)?,
            )
        };
        let values = node.entry(key).or_default();
        if !values.contains(&object) {
            values.push(object);
        }
    }
    let nodes = |nodes: Nodes| -> Vec<Value> {
        nodes
            .into_iter()
            .map(|(id, properties)| {
                let mut map = Map::new();
                map.insert("@id".to_owned(), Value::String(id));
                for (key, mut values) in properties {
                    values.sort_by_cached_key(ToString::to_string);
                    map.insert(key, Value::Array(values));
                }
                Value::Object(map)
            })
            .collect()
    };
    let mut top = Vec::new();
    for (graph, members) in graphs {
        match graph {
            None => top.extend(nodes(members)),
            Some(id) => top.push(json!({ "@id": id, "@graph": nodes(members) })),
        }
    }
    let document = json!({ "@context": context(prefixes), "@graph": top });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

/// The IRI a compact IRI of `write` stands for (tests read documents back with it).
pub fn expand(compact_iri: &str, prefixes: &[(String, String)]) -> Option<NamedNode> {
    let (prefix, local) = compact_iri.split_once(':')?;
    prefixes
        .iter()
        .find(|(p, _)| p == prefix)
        .and_then(|(_, ns)| NamedNode::new(format!("{ns}{local}")).ok())
}

#[cfg(test)]
mod tests {
    use oxigraph::model::{Literal, NamedNodeRef};

    use super::*;

    #[test]
    fn writes_prefixed_names_types_and_graphs() {
        let prefixes = vec![
            ("ex".to_owned(), "https://example.org/".to_owned()),
            ("rdfs".to_owned(), "http://www.w3.org/2000/01/rdf-schema#".to_owned()),
            ("xsd".to_owned(), "http://www.w3.org/2001/XMLSchema#".to_owned()),
        ];
        let s = NamedNode::new_unchecked("https://example.org/a");
        let g = GraphName::NamedNode(NamedNode::new_unchecked("https://example.org/g"));
        let quads = vec![
            Quad::new(
                s.clone(),
                rdf::TYPE,
                NamedNode::new_unchecked("https://example.org/Site"),
                g.clone(),
            ),
            Quad::new(
                s.clone(),
                NamedNodeRef::new_unchecked("http://www.w3.org/2000/01/rdf-schema#label"),
                Literal::new_language_tagged_literal_unchecked("Riverside", "en"),
                g.clone(),
            ),
            Quad::new(
                s.clone(),
                NamedNodeRef::new_unchecked("https://example.org/n"),
                Literal::from(2),
                g.clone(),
            ),
            Quad::new(
                s,
                NamedNodeRef::new_unchecked("https://example.org/note"),
                Literal::from("x"),
                g,
            ),
        ];
        let mut out = Vec::new();
        write(&quads, &prefixes, &mut out).expect("written");
        let doc: Value = serde_json::from_slice(&out).expect("JSON");
        let node = &doc["@graph"][0]["@graph"][0];
        assert_eq!(doc["@graph"][0]["@id"], "ex:g");
        assert_eq!(node["@id"], "ex:a");
        assert_eq!(node["@type"], json!(["ex:Site"]));
        assert_eq!(
            node["rdfs:label"],
            json!([{ "@value": "Riverside", "@language": "en" }])
        );
        assert_eq!(node["ex:n"], json!([{ "@value": "2", "@type": "xsd:integer" }]));
        assert_eq!(node["ex:note"], json!(["x"]));
        assert_eq!(doc["@context"]["ex"], "https://example.org/");
        assert_eq!(
            expand("ex:a", &prefixes).expect("known").as_str(),
            "https://example.org/a"
        );
        assert_eq!(
            compact("https://example.org/", &prefixes),
            "https://example.org/",
            "empty local part"
        );
    }
}
