//! What the landing page and `/void` show, read from the store once at start (it never changes while served): the
//! dataset description, counts, the entities by class and the sources.

use std::collections::{BTreeMap, HashMap, HashSet};

use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::sparql::QueryResults;

use crate::error::Error;
use crate::iri::{GraphKind, Minter};
use crate::store::{GraphStore, StoreError};
use crate::vocab::{dcterms, rdfs, void, wikibase};

/// Most entities of one class listed on the landing page; the count is always the whole.
const LISTED_PER_CLASS: usize = 500;

/// What a predicate is within its property's Wikibase family (`wdt:`, `p:`, `ps:`, `psv:`, `pq:`, `pqv:`, `pr:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Truthy: entity to best-rank value.
    Direct,
    /// Entity to statement.
    Claim,
    /// Statement to its simple value.
    StatementProperty,
    /// Statement to its value node.
    StatementValue,
    /// Statement to a qualifier's simple value.
    Qualifier,
    /// Statement to a qualifier's value node.
    QualifierValue,
    /// Reference to a simple value.
    Reference,
}

const ROLES: [(oxigraph::model::NamedNodeRef<'static>, Role); 7] = [
    (wikibase::DIRECT_CLAIM, Role::Direct),
    (wikibase::CLAIM, Role::Claim),
    (wikibase::STATEMENT_PROPERTY, Role::StatementProperty),
    (wikibase::STATEMENT_VALUE, Role::StatementValue),
    (wikibase::QUALIFIER, Role::Qualifier),
    (wikibase::QUALIFIER_VALUE, Role::QualifierValue),
    (wikibase::REFERENCE_PROP, Role::Reference),
];

/// An entity or source as listed: its IRI and the literals that can name it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The IRI.
    pub iri: NamedNode,
    /// Labels (or titles), in every language.
    pub names: Vec<Literal>,
}

/// The entities of one class.
#[derive(Debug, Clone)]
pub struct ClassGroup {
    /// The class.
    pub class: Listed,
    /// How many entities it has.
    pub count: usize,
    /// The first [`LISTED_PER_CLASS`] of them, by IRI.
    pub members: Vec<Listed>,
}

/// The dataset as the landing page presents it.
#[derive(Debug, Clone)]
pub struct Site {
    /// The dataset IRI.
    pub dataset: NamedNode,
    /// Titles in every language.
    pub titles: Vec<Literal>,
    /// Descriptions in every language.
    pub descriptions: Vec<Literal>,
    /// Licence IRI.
    pub licence: Option<NamedNode>,
    /// Attribution text.
    pub rights: Vec<Literal>,
    /// Creation date.
    pub created: Option<String>,
    /// Named counts: quads, quads per graph, entities, statements, sources, conflicting pairs.
    pub counts: Vec<(String, usize)>,
    /// Entities by class.
    pub classes: Vec<ClassGroup>,
    /// Sources.
    pub sources: Vec<Listed>,
    /// IRIs outside the base that the graph describes (the ontology's classes and properties): `/describe` pages.
    pub described: HashSet<NamedNode>,
    /// Each property-family predicate with its property and role.
    pub roles: HashMap<NamedNode, (NamedNode, Role)>,
    metadata: Vec<Quad>,
    base: String,
}

fn counts(store: &GraphStore, minter: &Minter) -> Result<Vec<(String, usize)>, Error> {
    let mut counts = vec![("quads".to_owned(), store.quad_count()?)];
    for kind in GraphKind::ALL {
        let graph = minter.graph(kind);
        let n = count(&select(
            store,
            &format!(
                "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{}> {{ ?s ?p ?o }} }}",
                graph.as_str()
            ),
        )?);
        counts.push((format!("quads in graph {}", kind.name()), n));
    }
    for (name, pattern) in [
        ("entities", "?x a <http://wikiba.se/ontology#Item>"),
        ("statements", "?x a <http://wikiba.se/ontology#Statement>"),
        ("sources", "?x a <https://example.org/powkg/ontology#Source>"),
        (
            "statements that conflict with another",
            "?x <https://example.org/powkg/ontology#conflictsWith> ?y",
        ),
    ] {
        let n = count(&select(
            store,
            &format!("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"),
        )?);
        counts.push((name.to_owned(), n));
    }

    Ok(counts)
}

fn classes(store: &GraphStore) -> Result<Vec<ClassGroup>, Error> {
    let rows = select(
        store,
        "SELECT ?class ?e WHERE { ?e a <http://wikiba.se/ontology#Item>, ?class . \
         ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ <https://example.org/powkg/ontology#Entity> } \
         ORDER BY ?class ?e",
    )?;
    let mut by_class: BTreeMap<String, (NamedNode, usize, Vec<NamedNode>)> = BTreeMap::new();
    for row in rows {
        if let [Some(Term::NamedNode(class)), Some(Term::NamedNode(e))] = row.as_slice() {
            let group = by_class
                .entry(class.as_str().to_owned())
                .or_insert_with(|| (class.clone(), 0, Vec::new()));
            group.1 += 1;
            if group.2.len() < LISTED_PER_CLASS {
                group.2.push(e.clone());
            }
        }
    }
    let mut classes = Vec::new();
    for (_, (class, n, members)) in by_class {
        classes.push(ClassGroup {
            class: named(store, class, &[rdfs::LABEL])?,
            count: n,
            members: members
                .into_iter()
                .map(|e| named(store, e, &[rdfs::LABEL]))
                .collect::<Result<_, _>>()?,
        });
    }
    Ok(classes)
}

fn roles(store: &GraphStore) -> Result<HashMap<NamedNode, (NamedNode, Role)>, Error> {
    let mut roles = HashMap::new();
    for (role_predicate, role) in ROLES {
        let rows = select(
            store,
            &format!(
                "SELECT ?property ?predicate WHERE {{ ?property <{}> ?predicate }}",
                role_predicate.as_str()
            ),
        )?;
        for row in rows {
            if let [Some(Term::NamedNode(property)), Some(Term::NamedNode(predicate))] = row.as_slice() {
                roles.insert(predicate.clone(), (property.clone(), role));
            }
        }
    }

    Ok(roles)
}

/// Runs a SELECT query (union default graph) and returns its rows.
pub(crate) fn select(store: &GraphStore, text: &str) -> Result<Vec<Vec<Option<Term>>>, Error> {
    let request = crate::sparql::Request {
        path: "internal query",
        text,
        ..crate::sparql::Request::default()
    };
    let rows = crate::sparql::Engine::default().run(&request, store, |results| {
        let QueryResults::Solutions(solutions) = results else {
            return Ok(Vec::new());
        };
        solutions
            .map(|solution| solution.map(|s| s.values().to_vec()))
            .collect::<Result<Vec<_>, _>>()
    });
    rows.and_then(|rows| rows.map_err(crate::sparql::SparqlError::from))
        .map_err(|e| Error::Usage(format!("internal query failed: {e}")))
}

fn count(rows: &[Vec<Option<Term>>]) -> usize {
    match rows.first().and_then(|r| r.first()).and_then(Option::as_ref) {
        Some(Term::Literal(l)) => l.value().parse().unwrap_or(0),
        _ => 0,
    }
}

fn named(
    store: &GraphStore,
    iri: NamedNode,
    predicates: &[oxigraph::model::NamedNodeRef<'_>],
) -> Result<Listed, StoreError> {
    let names = store
        .about(iri.as_ref())?
        .into_iter()
        .filter(|q| predicates.contains(&q.predicate.as_ref()))
        .filter_map(|q| match q.object {
            Term::Literal(l) => Some(l),
            _ => None,
        })
        .collect();
    Ok(Listed { iri, names })
}

impl Site {
    /// Reads the dataset description and the lists from `store`.
    pub fn load(store: &GraphStore, minter: &Minter) -> Result<Self, Error> {
        let dataset = minter.dataset();
        let about = store.about(dataset.as_ref())?;
        if about.is_empty() {
            let found = select(
                store,
                "SELECT ?d WHERE { ?d a <http://rdfs.org/ns/void#Dataset> } ORDER BY ?d LIMIT 1",
            )?;
            let hint = match found.first().and_then(|r| r.first()).and_then(Option::as_ref) {
                Some(Term::NamedNode(d)) => format!(
                    "; it describes {d}, so it was built with --base-iri {}",
                    d.as_str().trim_end_matches("dataset")
                ),
                _ => String::new(),
            };
            return Err(Error::Usage(format!(
                "the store holds no dataset description at {dataset} (base IRI {}){hint}",
                minter.base()
            )));
        }
        let literals = |p: oxigraph::model::NamedNodeRef<'_>| -> Vec<Literal> {
            about
                .iter()
                .filter(|q| q.predicate == p)
                .filter_map(|q| match &q.object {
                    Term::Literal(l) => Some(l.clone()),
                    _ => None,
                })
                .collect()
        };
        let licence = about
            .iter()
            .find(|q| q.predicate == dcterms::LICENSE)
            .and_then(|q| match &q.object {
                Term::NamedNode(n) => Some(n.clone()),
                _ => None,
            });
        let created = literals(dcterms::CREATED).first().map(|l| l.value().to_owned());

        let counts = counts(store, minter)?;
        let classes = classes(store)?;
        let sources = select(
            store,
            "SELECT DISTINCT ?s WHERE { ?s a <https://example.org/powkg/ontology#Source> } ORDER BY ?s",
        )?
        .into_iter()
        .filter_map(|row| match row.into_iter().next().flatten() {
            Some(Term::NamedNode(s)) => Some(s),
            _ => None,
        })
        .map(|s| named(store, s, &[dcterms::TITLE]))
        .collect::<Result<_, _>>()?;

        let roles = roles(store)?;
        let described = store
            .in_graph(minter.graph(GraphKind::Ontology).as_ref())?
            .into_iter()
            .filter_map(|q| match q.subject {
                NamedOrBlankNode::NamedNode(n) => Some(n),
                NamedOrBlankNode::BlankNode(_) => None,
            })
            .collect();

        Ok(Self {
            described,
            roles,
            titles: literals(dcterms::TITLE),
            descriptions: literals(dcterms::DESCRIPTION),
            rights: literals(dcterms::RIGHTS),
            licence,
            created,
            counts,
            classes,
            sources,
            metadata: store.in_graph(minter.graph(GraphKind::Metadata).as_ref())?,
            base: minter.base().to_owned(),
            dataset,
        })
    }

    /// The metadata graph, plus the endpoint, dump and URI space this server offers when the origin is known.
    pub fn void_quads(&self, origin: Option<&str>) -> Vec<Quad> {
        let mut quads = self.metadata.clone();
        let graph = quads.first().map(|q| q.graph_name.clone());
        let subject = NamedOrBlankNode::from(self.dataset.clone());
        let mut add = |p: oxigraph::model::NamedNodeRef<'_>, o: Term| {
            if let Some(g) = &graph {
                quads.push(Quad::new(subject.clone(), p, o, g.clone()));
            }
        };
        add(void::URI_SPACE, Literal::new_simple_literal(&self.base).into());
        if let Some(origin) = origin {
            for (p, path) in [(void::SPARQL_ENDPOINT, "/sparql"), (void::DATA_DUMP, "/dump")] {
                if let Ok(iri) = NamedNode::new(format!("{origin}{path}")) {
                    add(p, iri.into());
                }
            }
        }
        quads
    }
}
