//! What gets indexed: one [`Thing`] per entity, statement, source, citation and register record, keyed by IRI, with
//! its texts sorted into the fields a search weighs differently. Made from quads, so that the in-memory graph, an
//! on-disk build and a register streamed into a store are indexed by the same rules.

use std::collections::{HashMap, HashSet};

use oxigraph::model::{NamedNode, NamedOrBlankNode, Quad, Term};

use crate::rdf::iri::Minter;
use crate::rdf::vocab::{dcterms, pk, pkpr, prov, rdf, rdfs, schema, skos, wikibase};

/// The fields of a thing's texts, from the weightiest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// `rdfs:label` of an entity, a source, a citation or a record.
    Label,
    /// `skos:altLabel`, a source's titles.
    AltLabel,
    /// A statement's label ("subject – property – value (where it was read)").
    Statement,
    /// `schema:description`, `dcterms:description`.
    Description,
    /// The verbatim words of a statement's references (`pkpr:quotation`).
    Quotation,
    /// Anything else searchable: a source's authors, a record's fields the register marks searchable (and the
    /// labels of the entities they link to).
    Other,
}

impl Field {
    /// Every field, from the weightiest.
    pub const ALL: [Field; 6] = [
        Field::Label,
        Field::AltLabel,
        Field::Statement,
        Field::Description,
        Field::Quotation,
        Field::Other,
    ];

    /// The field's name in the index and in hits.
    pub fn name(self) -> &'static str {
        match self {
            Field::Label => "label",
            Field::AltLabel => "altLabel",
            Field::Statement => "statement",
            Field::Description => "description",
            Field::Quotation => "quotation",
            Field::Other => "other",
        }
    }

    /// How much a match in this field weighs against one in another.
    pub fn boost(self) -> f32 {
        match self {
            Field::Label => 4.0,
            Field::AltLabel => 3.0,
            // Well below the labels: a word rare among statements scores high there, and the thing itself should
            // still come before the statements that name it.
            Field::Statement => 1.5,
            Field::Description | Field::Quotation => 1.2,
            Field::Other => 1.0,
        }
    }
}

/// One indexed thing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thing {
    /// Its IRI.
    pub iri: String,
    /// Its classes (`rdf:type`), the most telling first (`pk:Person` before `wikibase:Item`).
    pub classes: Vec<String>,
    /// For a statement, the classes of the thing it is about (so that `--class CLASS` finds the statements
    /// about a division too).
    pub about: Vec<String>,
    /// Its labels with their languages, for display.
    pub names: Vec<(String, String)>,
    /// Its texts, by field.
    pub texts: Vec<(Field, String)>,
}

/// Which mapped fields of register records are searchable: register graph IRI -> predicate IRIs.
pub type Searchable = HashMap<String, HashSet<String>>;

/// Turns quads into things.
#[derive(Debug, Clone)]
pub struct Extractor {
    source: String,
    citation: String,
    quotation: String,
    searchable: Searchable,
    /// Labels of the curated entities, for records that link to them.
    linked: HashMap<String, Vec<String>>,
}

/// Classes that say less than another class of the same thing, so come last.
const GENERIC: [&str; 2] = [wikibase::ITEM.as_str(), wikibase::BEST_RANK.as_str()];

impl Extractor {
    /// Rules for a graph minted by `minter`, with the registers' searchable fields.
    pub fn new(minter: &Minter, searchable: Searchable) -> Self {
        Self {
            source: minter.term(pk::SOURCE).into_string(),
            citation: minter.term(pk::CITATION).into_string(),
            quotation: minter.term(pkpr::QUOTATION).into_string(),
            searchable,
            linked: HashMap::new(),
        }
    }

    /// Whether any register field is searchable (so that linked labels are worth keeping).
    fn links(&self) -> bool {
        self.searchable.values().any(|p| !p.is_empty())
    }

    /// The things of a whole graph held in memory (the curated graph): grouped by subject, statements given their
    /// references' quotations and the classes of what they are about. Also remembers the entities' labels, for the
    /// register records streamed after.
    pub fn things(&mut self, quads: &[Quad]) -> Vec<Thing> {
        let mut by_subject: HashMap<&NamedOrBlankNode, Vec<&Quad>> = HashMap::new();
        for quad in quads {
            by_subject.entry(&quad.subject).or_default().push(quad);
        }
        let mut things: Vec<Thing> = Vec::new();
        let mut statements = Vec::new();
        for (subject, quads) in &by_subject {
            let NamedOrBlankNode::NamedNode(node) = subject else {
                continue;
            };
            if let Some(thing) = self.thing(node, quads.iter().copied()) {
                if thing.classes.iter().any(|c| c == wikibase::STATEMENT.as_str()) {
                    statements.push(things.len());
                }
                things.push(thing);
            }
        }
        // What points at a statement is what it is about; what it derives from holds its quotations.
        let classes_of = |iri: &str| -> Vec<String> {
            let subject = NamedOrBlankNode::NamedNode(NamedNode::new_unchecked(iri));
            by_subject.get(&subject).map_or_else(Vec::new, |quads| {
                quads
                    .iter()
                    .filter(|q| q.predicate == rdf::TYPE)
                    .filter_map(|q| match &q.object {
                        Term::NamedNode(n) => Some(n.as_str().to_owned()),
                        _ => None,
                    })
                    .collect()
            })
        };
        let mut about: HashMap<&str, Vec<String>> = HashMap::new();
        let statement_iris: HashSet<&str> = statements.iter().map(|&i| things[i].iri.as_str()).collect();
        for quad in quads {
            if let (Term::NamedNode(object), NamedOrBlankNode::NamedNode(subject)) = (&quad.object, &quad.subject)
                && statement_iris.contains(object.as_str())
                && quad.predicate != prov::WAS_DERIVED_FROM
            {
                let entry = about.entry(object.as_str()).or_default();
                for class in classes_of(subject.as_str()) {
                    if !entry.contains(&class) {
                        entry.push(class);
                    }
                }
            }
        }
        let mut extra: Vec<(usize, Vec<String>, Vec<String>)> = Vec::new();
        for &i in &statements {
            let iri = things[i].iri.as_str();
            let subject = NamedOrBlankNode::NamedNode(NamedNode::new_unchecked(iri));
            let mut quotations = Vec::new();
            for quad in by_subject.get(&subject).into_iter().flatten() {
                if quad.predicate != prov::WAS_DERIVED_FROM {
                    continue;
                }
                let Term::NamedNode(reference) = &quad.object else {
                    continue;
                };
                let reference = NamedOrBlankNode::NamedNode(reference.clone());
                for q in by_subject.get(&reference).into_iter().flatten() {
                    if q.predicate.as_str() == self.quotation
                        && let Term::Literal(l) = &q.object
                        && !quotations.iter().any(|t| t == l.value())
                    {
                        quotations.push(l.value().to_owned());
                    }
                }
            }
            extra.push((i, quotations, about.remove(iri).unwrap_or_default()));
        }
        for (i, quotations, about) in extra {
            things[i]
                .texts
                .extend(quotations.into_iter().map(|q| (Field::Quotation, q)));
            things[i].about = about;
        }
        if self.links() {
            for thing in &things {
                if thing.classes.iter().any(|c| c == wikibase::ITEM.as_str()) {
                    let labels = thing
                        .texts
                        .iter()
                        .filter(|(f, _)| matches!(f, Field::Label | Field::AltLabel))
                        .map(|(_, t)| t.clone())
                        .collect();
                    self.linked.insert(thing.iri.clone(), labels);
                }
            }
        }
        things.sort_by(|a, b| a.iri.cmp(&b.iri));
        things
    }

    /// The thing `subject` is, from its quads, if it is one a user would look for (an entity, a statement, a source,
    /// a citation, a register record); `None` for references, values, properties and the like.
    pub fn thing<'q>(&self, subject: &NamedNode, quads: impl Iterator<Item = &'q Quad> + Clone) -> Option<Thing> {
        let mut classes: Vec<String> = quads
            .clone()
            .filter(|q| q.predicate == rdf::TYPE)
            .filter_map(|q| match &q.object {
                Term::NamedNode(n) => Some(n.as_str().to_owned()),
                _ => None,
            })
            .collect();
        let is = |class: &str| classes.iter().any(|c| c == class);
        let statement = is(wikibase::STATEMENT.as_str());
        if !(is(wikibase::ITEM.as_str()) || statement || is(&self.source) || is(&self.citation)) {
            return None;
        }
        classes.sort_by_key(|c| (GENERIC.contains(&c.as_str()) || *c == self.source, c.clone()));
        classes.dedup();
        let mut thing = Thing {
            iri: subject.as_str().to_owned(),
            classes,
            ..Thing::default()
        };
        for quad in quads {
            let predicate = quad.predicate.as_str();
            let field = match &quad.object {
                Term::Literal(literal) => {
                    let field = if predicate == rdfs::LABEL.as_str() {
                        thing.names.push((
                            literal.language().unwrap_or_default().to_owned(),
                            literal.value().to_owned(),
                        ));
                        Some(if statement { Field::Statement } else { Field::Label })
                    } else if predicate == skos::ALT_LABEL.as_str() || predicate == dcterms::TITLE.as_str() {
                        Some(Field::AltLabel)
                    } else if predicate == schema::DESCRIPTION.as_str() || predicate == dcterms::DESCRIPTION.as_str() {
                        Some(Field::Description)
                    } else if predicate == self.quotation {
                        Some(Field::Quotation)
                    } else if predicate == schema::AUTHOR.as_str() || self.searchable_in(quad, predicate) {
                        Some(Field::Other)
                    } else {
                        None
                    };
                    field.map(|f| (f, literal.value().to_owned()))
                }
                Term::NamedNode(object) if self.searchable_in(quad, predicate) => {
                    for label in self.linked.get(object.as_str()).into_iter().flatten() {
                        thing.texts.push((Field::Other, label.clone()));
                    }
                    None
                }
                _ => None,
            };
            if let Some((field, text)) = field
                && !thing.texts.iter().any(|(f, t)| *f == field && *t == text)
            {
                thing.texts.push((field, text));
            }
        }
        Some(thing)
    }

    fn searchable_in(&self, quad: &Quad, predicate: &str) -> bool {
        match &quad.graph_name {
            oxigraph::model::GraphName::NamedNode(graph) => self
                .searchable
                .get(graph.as_str())
                .is_some_and(|p| p.contains(predicate)),
            _ => false,
        }
    }
}

/// Groups a stream of quads into things, for register rows handed over in batches: a record's quads come together,
/// one record after another, so a thing is complete when the subject changes.
#[derive(Debug, Default)]
pub struct Grouper {
    subject: Option<NamedNode>,
    quads: Vec<Quad>,
}

impl Grouper {
    /// Takes `batch`'s quads, handing each thing completed to `done`. Only the batch's last record is copied (it
    /// may go on in the next batch).
    pub fn push(&mut self, extractor: &Extractor, batch: &[Quad], done: &mut impl FnMut(Thing)) {
        let mut start = 0;
        while start < batch.len() {
            let NamedOrBlankNode::NamedNode(subject) = &batch[start].subject else {
                start += 1;
                continue;
            };
            let end = start
                + batch[start..]
                    .iter()
                    .position(|q| q.subject != batch[start].subject)
                    .unwrap_or(batch.len() - start);
            let run = &batch[start..end];
            let continues = self.subject.as_ref() == Some(subject);
            if !continues {
                self.flush(extractor, done);
            }
            if end == batch.len() {
                // The record may go on in the next batch.
                self.subject = Some(subject.clone());
                self.quads.extend_from_slice(run);
            } else if continues {
                self.quads.extend_from_slice(run);
                self.flush(extractor, done);
            } else if let Some(thing) = extractor.thing(subject, run.iter()) {
                done(thing);
            }
            start = end;
        }
    }

    /// Hands the last thing over.
    pub fn flush(&mut self, extractor: &Extractor, done: &mut impl FnMut(Thing)) {
        if let Some(subject) = self.subject.take()
            && let Some(thing) = extractor.thing(&subject, self.quads.iter())
        {
            done(thing);
        }
        self.quads.clear();
    }
}

#[cfg(test)]
mod tests {
    use oxigraph::model::{GraphName, Literal};

    use super::*;

    fn record(iri: &str, label: &str, site: &str) -> Vec<Quad> {
        let s = NamedNode::new_unchecked(iri);
        let g = GraphName::NamedNode(NamedNode::new_unchecked("https://example.org/powkg/graph/register/r"));
        vec![
            Quad::new(s.clone(), rdf::TYPE, wikibase::ITEM, g.clone()),
            Quad::new(
                s.clone(),
                rdfs::LABEL,
                Literal::new_language_tagged_literal_unchecked(label, "ro"),
                g.clone(),
            ),
            Quad::new(
                s,
                NamedNode::new_unchecked("https://example.org/powkg/prop/direct/heldAt"),
                NamedNode::new_unchecked(site),
                g,
            ),
        ]
    }

    #[test]
    fn records_split_across_batches_make_the_same_things() {
        let minter = Minter::new(crate::rdf::iri::DEFAULT_BASE_IRI).unwrap();
        let searchable = Searchable::from([(
            "https://example.org/powkg/graph/register/r".to_owned(),
            HashSet::from(["https://example.org/powkg/prop/direct/heldAt".to_owned()]),
        )]);
        let mut extractor = Extractor::new(&minter, searchable);
        // The curated site whose labels a record linking to it is found by.
        let site = "https://example.org/powkg/entity/riverside";
        let curated = vec![
            Quad::new(
                NamedNode::new_unchecked(site),
                rdf::TYPE,
                wikibase::ITEM,
                GraphName::DefaultGraph,
            ),
            Quad::new(
                NamedNode::new_unchecked(site),
                rdfs::LABEL,
                Literal::new_language_tagged_literal_unchecked("Riverside", "en"),
                GraphName::DefaultGraph,
            ),
        ];
        assert_eq!(extractor.things(&curated).len(), 1);
        let quads: Vec<Quad> = ["a", "b", "c"]
            .iter()
            .flat_map(|id| {
                record(
                    &format!("https://example.org/powkg/record/r/{id}"),
                    &format!("Ion {id}"),
                    site,
                )
            })
            .collect();
        let whole = {
            let mut things = Vec::new();
            let mut grouper = Grouper::default();
            grouper.push(&extractor, &quads, &mut |t| things.push(t));
            grouper.flush(&extractor, &mut |t| things.push(t));
            things
        };
        assert_eq!(whole.len(), 3);
        assert!(
            whole[0].texts.contains(&(Field::Other, "Riverside".to_owned())),
            "{whole:?}"
        );
        assert!(whole[0].texts.contains(&(Field::Label, "Ion a".to_owned())));
        for size in 1..quads.len() {
            let mut things = Vec::new();
            let mut grouper = Grouper::default();
            for batch in quads.chunks(size) {
                grouper.push(&extractor, batch, &mut |t| things.push(t));
            }
            grouper.flush(&extractor, &mut |t| things.push(t));
            assert_eq!(things, whole, "batches of {size}");
        }
    }
}
