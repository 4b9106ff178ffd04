//! What the landing page and `/void` show of the dataset, read at start: only what does not grow with the data (the
//! dataset description, the metadata graph, the ontology's terms and the property families). The landing page's
//! counts and lists are read on first need (see `summary.rs`).

use std::collections::{HashMap, HashSet};

use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Quad, Term};

use super::queries::PageQuery;
use super::reader::Reader;
use crate::query::select::{self, Slice};
use crate::rdf::iri::GraphKind;
use crate::rdf::vocab::{dcat, dcterms, rdf, void, wikibase};
use crate::web::render::error::RenderError;

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
    /// Names the search box offers as examples: labels of the curated graph's first two entities, one per entity.
    pub search_examples: Vec<String>,
    metadata: Vec<Quad>,
    base: String,
}

/// Each property-family predicate with its property and role.
fn roles(reader: &Reader<'_>) -> Result<HashMap<NamedNode, (NamedNode, Role)>, RenderError> {
    let mut roles = HashMap::new();
    for (role_predicate, role) in ROLES {
        let rows = select_all(
            reader,
            PageQuery::Roles,
            &[("role", role_predicate.into_owned().into())],
        )?;
        for row in rows {
            if let (Some(Term::NamedNode(property)), Some(Term::NamedNode(predicate))) =
                (row.get("property"), row.get("predicate"))
            {
                roles.insert(predicate.clone(), (property.clone(), role));
            }
        }
    }
    Ok(roles)
}

/// Every row of a page query of the renderer's own, read at start.
fn select_all(
    reader: &Reader<'_>,
    query: PageQuery,
    params: &[(&str, Term)],
) -> Result<Vec<oxigraph::sparql::QuerySolution>, RenderError> {
    Ok(select::select(
        reader.engine,
        reader.store,
        query.def(),
        params,
        Slice::default(),
    )?)
}

impl Dataset {
    /// Reads the dataset description, the metadata graph, the ontology's terms and the property families from
    /// `store`: index look-ups whose size does not grow with the data.
    pub(crate) fn load(reader: &Reader<'_>) -> Result<Self, RenderError> {
        let (store, minter) = (reader.store, reader.minter);
        let dataset = minter.dataset();
        let about = store.about(dataset.as_ref())?;
        if about.is_empty() {
            let found = select::select(reader.engine, store, PageQuery::Datasets.def(), &[], Slice::first(1))?;
            let hint = match found.first().and_then(|row| row.get("d")) {
                Some(Term::NamedNode(d)) => format!(
                    "; it describes {d}, so it was built with --base-iri {}",
                    d.as_str().trim_end_matches("dataset")
                ),
                _ => String::new(),
            };
            return Err(RenderError::NoDataset {
                dataset: dataset.to_string(),
                base: minter.base().to_owned(),
                hint,
            });
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

        let roles = roles(reader)?;
        let mut entity_classes: Vec<NamedNode> = select_all(reader, PageQuery::EntityClasses, &[])?
            .into_iter()
            .filter_map(|row| match row.get("class") {
                Some(Term::NamedNode(n)) => Some(n.clone()),
                _ => None,
            })
            .collect();
        entity_classes.sort();
        let mut search_examples: Vec<String> = Vec::new();
        let curated = minter.graph(GraphKind::Data);
        for row in select_all(reader, PageQuery::SearchExamples, &[("graph", curated.into())])? {
            if let Some(Term::Literal(label)) = row.get("label")
                && !search_examples.iter().any(|s| s == label.value())
                && search_examples.len() < 2
            {
                search_examples.push(label.value().to_owned());
            }
        }
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
            search_examples,
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

    /// The languages the graph is labelled in: those of the dataset's titles (a project titles its dataset in every
    /// language of its powkg.toml), sorted.
    pub fn languages(&self) -> Vec<String> {
        let mut languages: Vec<String> = self
            .titles
            .iter()
            .filter_map(|t| t.language().map(str::to_owned))
            .collect();
        languages.sort();
        languages.dedup();
        languages
    }

    /// The works the dataset is derived from (the sources its description names).
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
    /// one (`endpoint`: the server's, not a static site's), and the change feed where the store keeps one (`feed`: the
    /// stream's IRI).
    pub fn void_quads(&self, origin: Option<&str>, endpoint: bool, feed: Option<&NamedNode>) -> Vec<Quad> {
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
        if let Some(stream) = feed {
            // The change feed: a distribution that conforms to LDES, at the stream's IRI.
            add(&self.dataset, dcat::DISTRIBUTION, stream.clone().into());
            add(stream, rdf::TYPE, dcat::DISTRIBUTION_CLASS.into());
            add(stream, dcat::ACCESS_URL, stream.clone().into());
            add(
                stream,
                dcterms::CONFORMS_TO,
                NamedNode::new_unchecked("https://w3id.org/ldes/specification").into(),
            );
            add(
                stream,
                dcat::MEDIA_TYPE,
                NamedNode::new_unchecked("https://www.iana.org/assignments/media-types/application/n-quads").into(),
            );
        }
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
