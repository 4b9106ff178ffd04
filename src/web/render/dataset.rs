//! What the landing page and `/void` show. At start, only what does not grow with the data is read: the dataset
//! description, the metadata graph, the ontology's terms and the property families. The counts and lists of the
//! landing page ([`Summary`]) are computed on first need, through the endpoint's own evaluation (each query under
//! the query timeout, each list bounded), and kept: the store never changes while served.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::sparql::QueryResults;

use super::Renderer;
use crate::error::Error;
use crate::query::sparql::Engine;
use crate::rdf::iri::{GraphKind, Minter};
use crate::rdf::vocab::{dcat, dcterms, pk, rdf, rdfs, void, wikibase};
use crate::store::GraphStore;

/// Most entities of one class, and most sources, listed on the landing page; the count is of the whole.
pub(crate) const LISTED: usize = 500;

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
    /// Reference to a value node.
    ReferenceValue,
}

const ROLES: [(oxigraph::model::NamedNodeRef<'static>, Role); 8] = [
    (wikibase::DIRECT_CLAIM, Role::Direct),
    (wikibase::CLAIM, Role::Claim),
    (wikibase::STATEMENT_PROPERTY, Role::StatementProperty),
    (wikibase::STATEMENT_VALUE, Role::StatementValue),
    (wikibase::QUALIFIER, Role::Qualifier),
    (wikibase::QUALIFIER_VALUE, Role::QualifierValue),
    (wikibase::REFERENCE_PROP, Role::Reference),
    (wikibase::REFERENCE_VALUE, Role::ReferenceValue),
];

/// The dataset as the landing page presents it.
#[derive(Debug, Clone)]
pub struct Dataset {
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
    /// IRIs outside the base that the graph describes (the ontology's classes and properties): `/describe` pages.
    pub described: HashSet<NamedNode>,
    /// Each property-family predicate with its property and role.
    pub roles: HashMap<NamedNode, (NamedNode, Role)>,
    /// The classes of entities (the ontology's subclasses of `pk:Entity`), sorted.
    pub entity_classes: Vec<NamedNode>,
    metadata: Vec<Quad>,
    base: String,
}

fn roles(store: &GraphStore, engine: &Engine) -> Result<HashMap<NamedNode, (NamedNode, Role)>, Error> {
    let mut roles = HashMap::new();
    for (role_predicate, role) in ROLES {
        let rows = select(
            store,
            engine,
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

/// Runs a SELECT query of the site's own with the server's engine (union default graph) and returns its rows.
fn select(store: &GraphStore, engine: &Engine, text: &str) -> Result<Vec<Vec<Option<Term>>>, Error> {
    let request = crate::query::sparql::Request {
        path: "internal query",
        text,
        ..crate::query::sparql::Request::default()
    };
    let rows = engine.run(&request, store, |results| {
        let QueryResults::Solutions(solutions) = results else {
            return Ok(Vec::new());
        };
        solutions
            .map(|solution| solution.map(|s| s.values().to_vec()))
            .collect::<Result<Vec<_>, _>>()
    });
    rows.and_then(|rows| rows.map_err(crate::query::sparql::SparqlError::from))
        .map_err(|e| Error::Usage(format!("internal query failed: {e}")))
}

impl Dataset {
    /// Reads the dataset description, the metadata graph, the ontology's terms and the property families from
    /// `store`: index look-ups whose size does not grow with the data.
    pub fn load(store: &GraphStore, minter: &Minter, engine: &Engine) -> Result<Self, Error> {
        let dataset = minter.dataset();
        let about = store.about(dataset.as_ref())?;
        if about.is_empty() {
            let found = select(
                store,
                engine,
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

        let roles = roles(store, engine)?;
        let mut entity_classes: Vec<NamedNode> = select(
            store,
            engine,
            &format!(
                "SELECT DISTINCT ?class WHERE {{ ?class {}+ {} }}",
                rdfs::SUB_CLASS_OF,
                minter.term(pk::ENTITY)
            ),
        )?
        .into_iter()
        .filter_map(|row| match row.into_iter().next().flatten() {
            Some(Term::NamedNode(n)) => Some(n),
            _ => None,
        })
        .collect();
        entity_classes.sort();
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
            entity_classes,
            titles: literals(dcterms::TITLE),
            descriptions: literals(dcterms::DESCRIPTION),
            rights: literals(dcterms::RIGHTS),
            licence,
            created,
            metadata: store.in_graph(minter.graph(GraphKind::Metadata).as_ref())?,
            base: minter.base().to_owned(),
            dataset,
        })
    }

    /// The works the dataset is derived from (the seed articles).
    pub fn sources(&self) -> Vec<NamedNode> {
        let mut sources: Vec<NamedNode> = self
            .metadata
            .iter()
            .filter(|q| q.predicate == dcterms::SOURCE && q.subject == NamedOrBlankNode::from(self.dataset.clone()))
            .filter_map(|q| match &q.object {
                Term::NamedNode(n) => Some(n.clone()),
                _ => None,
            })
            .collect();
        sources.sort();
        sources
    }

    /// The metadata graph, plus the URI space and, when the origin is known, the dump in each format as a DCAT
    /// distribution (what DCAT-AP asks of a dataset and its distributions) and the SPARQL endpoint where there is
    /// one (`endpoint`: the server's, not a static site's).
    pub fn void_quads(&self, origin: Option<&str>, endpoint: bool) -> Vec<Quad> {
        let mut quads = self.metadata.clone();
        let Some(graph) = quads.first().map(|q| q.graph_name.clone()) else {
            return quads;
        };
        let mut add = |s: &NamedNode, p: oxigraph::model::NamedNodeRef<'_>, o: Term| {
            quads.push(Quad::new(s.clone(), p, o, graph.clone()));
        };
        add(
            &self.dataset,
            void::URI_SPACE,
            Literal::new_simple_literal(&self.base).into(),
        );
        let Some(origin) = origin else {
            return quads;
        };
        if endpoint && let Ok(iri) = NamedNode::new(format!("{origin}/sparql")) {
            add(&self.dataset, void::SPARQL_ENDPOINT, iri.into());
        }
        if let Ok(iri) = NamedNode::new(format!("{origin}/dump")) {
            add(&self.dataset, void::DATA_DUMP, iri.into());
        }
        for format in crate::rdf::format::DUMP_FORMATS {
            let Ok(file) = NamedNode::new(format!("{origin}/dump.{}", format.extension())) else {
                continue;
            };
            let Ok(media_type) = NamedNode::new(format!(
                "https://www.iana.org/assignments/media-types/{}",
                format.media_type()
            )) else {
                continue;
            };
            add(&self.dataset, dcat::DISTRIBUTION, file.clone().into());
            add(&file, rdf::TYPE, dcat::DISTRIBUTION_CLASS.into());
            add(&file, dcat::ACCESS_URL, file.clone().into());
            add(&file, dcat::DOWNLOAD_URL, file.clone().into());
            add(&file, dcat::MEDIA_TYPE, media_type.into());
            add(
                &file,
                dcterms::FORMAT,
                Literal::new_simple_literal(format.media_type()).into(),
            );
            let title = format!("The whole graph in {}", format.info().title);
            add(
                &file,
                dcterms::TITLE,
                Literal::new_language_tagged_literal_unchecked(title, "en").into(),
            );
            if let Some(licence) = &self.licence {
                add(&file, dcterms::LICENSE, licence.clone().into());
            }
        }
        quads
    }
}

/// A figure of the landing page, or why it is missing (its query failed or ran out of time).
pub(crate) type Figure = Result<usize, String>;

/// Some members of a set and how many it has.
#[derive(Debug, Clone)]
pub(crate) struct Listing {
    /// At most [`LISTED`] members (the first the store yields, not the first by IRI: finding those would sort the
    /// whole set), sorted by IRI.
    pub members: Vec<NamedNode>,
    /// How many the set has.
    pub count: Figure,
}

/// The entities of one class.
#[derive(Debug, Clone)]
pub(crate) struct ClassGroup {
    /// The class.
    pub class: NamedNode,
    /// Its entities.
    pub entities: Listing,
}

/// The counts and lists of the landing page.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    /// Named counts: quads, quads per graph, entities, statements, sources, conflicting statements.
    pub counts: Vec<(String, Figure)>,
    /// Entities by class, or why they could not be listed.
    pub classes: Result<Vec<ClassGroup>, String>,
    /// Sources.
    pub sources: Listing,
    /// The dated statements of the curated graph from [`TIMELINE`]'s first year to its last: each statement, its
    /// English label, its date at its precision; sorted by date. Or why they could not be read.
    pub timeline: Result<Vec<(NamedNode, String, crate::build::model::Date)>, String>,
}

/// The years the landing page's timeline spans.
pub(crate) const TIMELINE: (u16, u16) = (1940, 1956);

/// The first value of each row, as IRIs.
fn iris(rows: &[oxigraph::sparql::QuerySolution]) -> Vec<NamedNode> {
    rows.iter()
        .filter_map(|row| match row.values().first() {
            Some(Some(Term::NamedNode(n))) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// The integer `variable` of the first row.
fn figure(rows: &[oxigraph::sparql::QuerySolution], variable: &str) -> Figure {
    match rows.first().and_then(|row| row.get(variable)) {
        Some(Term::Literal(l)) => l.value().parse().map_err(|_| format!("not a count: {}", l.value())),
        _ => Ok(0),
    }
}

impl Summary {
    /// Counts and lists the graph through the endpoint's evaluation: each query under the query timeout, each
    /// list with LIMIT (and no ORDER BY over the whole graph: the members shown are sorted after).
    pub(crate) fn compute(service: &Renderer) -> Self {
        let run = |query: &str| service.select(query).map_err(|failure| failure.message().to_owned());
        let count = |pattern: &str| {
            run(&format!("SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")).and_then(|rows| figure(&rows, "n"))
        };
        // The total scans every quad: on a very large store it may run past the query timeout ("not counted"),
        // while the curated graphs are counted at once.
        let mut counts = vec![("quads".to_owned(), count("GRAPH ?g { ?s ?p ?o }"))];
        for kind in GraphKind::ALL {
            let graph = service.minter.graph(kind);
            counts.push((
                format!("quads in graph {}", kind.name()),
                count(&format!("GRAPH {graph} {{ ?s ?p ?o }}")),
            ));
        }
        for (name, pattern) in [
            ("entities", format!("?x a {}", wikibase::ITEM)),
            ("statements", format!("?x a {}", wikibase::STATEMENT)),
            ("sources", format!("?x a {}", service.minter.term(pk::SOURCE))),
            (
                "statements that conflict with another",
                format!("?x {} ?y", service.minter.term(pk::CONFLICTS_WITH)),
            ),
        ] {
            let n = run(&format!("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"))
                .and_then(|rows| figure(&rows, "n"));
            counts.push((name.to_owned(), n));
        }
        let classes: Result<Vec<ClassGroup>, String> = Ok({
            service
                .dataset
                .entity_classes
                .iter()
                .cloned()
                .map(|class| {
                    // Whatever has a class of entities is an entity: no join with wikibase:Item, which costs a
                    // class of a million members half a minute.
                    let entities = listing(&run, &format!("?e a {class}"));
                    ClassGroup { class, entities }
                })
                .filter(|group| group.entities.count != Ok(0))
                .collect()
        });
        let sources = listing(&run, &format!("?e a {}", service.minter.term(pk::SOURCE)));
        let timeline = run(&format!(
            "SELECT ?statement ?label ?date ?precision WHERE {{ GRAPH {} {{ ?statement a {} ; ?v ?node . \
             ?node {} ?date ; {} ?precision . OPTIONAL {{ ?statement {} ?label FILTER(LANG(?label) = \"en\") }} }} }} \
             LIMIT 2000",
            service.minter.graph(GraphKind::Data),
            wikibase::STATEMENT,
            wikibase::TIME_VALUE_PROP,
            wikibase::TIME_PRECISION,
            rdfs::LABEL,
        ))
        .map(|rows| timeline(&rows));
        Self {
            counts,
            classes,
            sources,
            timeline,
        }
    }

    /// The total of quads, if counted.
    pub(crate) fn quads(&self) -> Option<usize> {
        self.counts.first().and_then(|(_, n)| n.as_ref().ok().copied())
    }
}

/// The dated statements in [`TIMELINE`]'s years, each date once per statement, sorted by date then label.
fn timeline(rows: &[oxigraph::sparql::QuerySolution]) -> Vec<(NamedNode, String, crate::build::model::Date)> {
    let mut events: Vec<(NamedNode, String, crate::build::model::Date)> = rows
        .iter()
        .filter_map(|row| {
            let (Some(Term::NamedNode(statement)), Some(Term::Literal(date)), Some(Term::Literal(precision))) =
                (row.get("statement"), row.get("date"), row.get("precision"))
            else {
                return None;
            };
            let date = crate::build::model::Date::from_time_value(date.value(), precision.value().parse().ok()?)?;
            let label = match row.get("label") {
                Some(Term::Literal(l)) => l.value().to_owned(),
                _ => statement.as_str().rsplit('/').next().unwrap_or_default().to_owned(),
            };
            (TIMELINE.0..=TIMELINE.1)
                .contains(&date.year)
                .then(|| (statement.clone(), label, date))
        })
        .collect();
    events.sort_by(|a, b| (a.2.to_string(), &a.1, &a.0).cmp(&(b.2.to_string(), &b.1, &b.0)));
    events.dedup();
    events
}

/// The first [`LISTED`] distinct `?e` matching `pattern` (sorted by IRI) and how many there are.
fn listing(run: &dyn Fn(&str) -> Result<Vec<oxigraph::sparql::QuerySolution>, String>, pattern: &str) -> Listing {
    let count =
        run(&format!("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {pattern} }}")).and_then(|rows| figure(&rows, "n"));
    let mut members = run(&format!("SELECT DISTINCT ?e WHERE {{ {pattern} }} LIMIT {LISTED}"))
        .map(|rows| iris(&rows))
        .unwrap_or_default();
    members.sort();
    Listing { members, count }
}

/// Where the [`Summary`] is kept.
#[derive(Default)]
pub(crate) struct SummaryCell {
    state: Mutex<SummaryState>,
    done: Condvar,
}

#[derive(Default)]
enum SummaryState {
    #[default]
    NotStarted,
    Computing,
    Ready(Arc<Summary>),
}

impl SummaryCell {
    /// The summary if it is ready.
    pub(crate) fn ready(&self) -> Option<Arc<Summary>> {
        match &*self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            SummaryState::Ready(summary) => Some(Arc::clone(summary)),
            _ => None,
        }
    }

    /// The summary, computed by what `start()` returns on a thread of its own if nobody has started it; waits
    /// for it at most `wait`.
    pub(crate) fn get<F: FnOnce() -> Summary + Send + 'static>(
        self: &Arc<Self>,
        wait: Duration,
        start: impl FnOnce() -> F,
    ) -> Option<Arc<Summary>> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if matches!(*state, SummaryState::NotStarted) {
            *state = SummaryState::Computing;
            let compute = start();
            let cell = Arc::clone(self);
            let spawned = std::thread::Builder::new()
                .name("powkg summary".to_owned())
                .spawn(move || {
                    let summary = std::panic::catch_unwind(std::panic::AssertUnwindSafe(compute));
                    let mut state = cell.state.lock().unwrap_or_else(PoisonError::into_inner);
                    // After a panic (reported by the panic hook) the next request starts again.
                    *state = summary.map_or(SummaryState::NotStarted, |s| SummaryState::Ready(Arc::new(s)));
                    cell.done.notify_all();
                });
            if spawned.is_err() {
                *state = SummaryState::NotStarted;
                return None;
            }
        }
        let until = Instant::now() + wait;
        loop {
            match &*state {
                SummaryState::Ready(summary) => return Some(Arc::clone(summary)),
                SummaryState::NotStarted => return None,
                SummaryState::Computing => {}
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            state = self
                .done
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}
