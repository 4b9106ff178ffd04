//! The ontology: Turtle files read into triples, and the schema the model checks claims against (which classes
//! exist; which properties exist, with their value type and their Wikibase predicate families).

use std::collections::{BTreeMap, BTreeSet};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple};

use crate::build::declarations::{self, Declared};
use crate::files::diagnostic::{Diagnostic, Diagnostics};
use crate::files::input::{InputFile, InputSet, forbidden_character, forbidden_character_message};
use crate::rdf::iri::Minter;
use crate::rdf::vocab::{owl, pk, rdf, rdfs, wd, wikibase};

/// The kind of value a property takes (its `wikibase:propertyType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ValueKind {
    /// An entity (`wikibase:WikibaseItem`).
    Item,
    /// A date with precision (`wikibase:Time`).
    Time,
    /// A figure with bounds (`wikibase:Quantity`).
    Quantity,
    /// A plain string (`wikibase:String`, `wikibase:ExternalId`).
    String,
    /// A language-tagged text (`wikibase:Monolingualtext`).
    Text,
    /// A web address (`wikibase:Url`).
    Url,
}

impl ValueKind {
    fn from_type(iri: NamedNodeRef<'_>) -> Option<Self> {
        Some(match iri {
            wikibase::WIKIBASE_ITEM => Self::Item,
            wikibase::TIME => Self::Time,
            wikibase::QUANTITY => Self::Quantity,
            wikibase::STRING | wikibase::EXTERNAL_ID => Self::String,
            wikibase::MONOLINGUALTEXT => Self::Text,
            wikibase::URL => Self::Url,
            _ => return None,
        })
    }

    /// The claim field that holds a value of this kind.
    pub fn field(self) -> &'static str {
        match self {
            Self::Item => "item",
            Self::Time => "time",
            Self::Quantity => "quantity",
            Self::String => "string",
            Self::Text => "text",
            Self::Url => "url",
        }
    }

    /// Whether values of this kind get a value node (`psv:`/`pqv:`), as in Wikidata.
    pub fn has_value_node(self) -> bool {
        matches!(self, Self::Time | Self::Quantity)
    }
}

/// A property as the ontology declares it, with the predicates of its Wikibase families.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyDef {
    /// The key claims use: `P585` for Wikidata properties, the local name for powkg's own.
    pub key: String,
    /// The property entity (`wd:P585`, `pk:openingDate`).
    pub iri: NamedNode,
    /// Its value type.
    pub kind: ValueKind,
    /// Whether its declared type is `wikibase:ExternalId` (an identifier in another database), which Wikibase counts
    /// apart (`wikibase:identifiers`).
    pub external_id: bool,
    /// `wdt:` truthy predicate.
    pub direct: NamedNode,
    /// `p:` entity-to-statement predicate.
    pub claim: NamedNode,
    /// `ps:` statement-to-value predicate.
    pub statement: NamedNode,
    /// `psv:` statement-to-value-node predicate.
    pub statement_value: Option<NamedNode>,
    /// `pq:` qualifier predicate.
    pub qualifier: NamedNode,
    /// `pqv:` qualifier value-node predicate.
    pub qualifier_value: Option<NamedNode>,
    /// `pr:` reference predicate.
    pub reference: NamedNode,
    /// `rdfs:label` per language, for the labels of statements.
    pub labels: BTreeMap<String, String>,
}

/// What the model needs to know of the ontology.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Properties by key.
    pub properties: BTreeMap<String, PropertyDef>,
    /// Local names of the classes an entity's `type` may name (the subclasses of `pk:Entity`, at any depth).
    pub entity_classes: BTreeSet<String>,
    /// Local names of the classes a source's `kind` may name (the subclasses of `pk:Source`, at any depth).
    pub source_classes: BTreeSet<String>,
}

/// The path printed for powkg's built-in core ontology.
pub const CORE_PATH: &str = "(built in) core/ontology.ttl";

/// powkg's core ontology: the terms every graph is made of, whatever its topic.
pub const CORE: &str = include_str!("core/ontology.ttl");

/// The ontology graph and its schema.
#[derive(Debug, Clone, Default)]
pub struct Ontology {
    /// Every triple: the core's, the project's, and the predicate families derived for its properties.
    pub triples: Vec<Triple>,
    /// Classes and properties.
    pub schema: Schema,
    /// The project's own classes and properties (not the core's): the terms that must be labelled in every
    /// language of the project.
    pub domain_terms: BTreeSet<NamedNode>,
    /// The terms declared by `[[class]]` and `[[property]]` records, with where.
    pub declared: Vec<Declared>,
}

impl Ontology {
    /// The core ontology and the project's files (`*.ttl` in Turtle, `*.toml` of `[[class]]` and `[[property]]`
    /// records): syntax errors with their positions, incomplete property declarations, and a project term that
    /// the core already declares are reported.
    pub fn load(domain: &InputSet, minter: &Minter) -> Result<Self, Diagnostics> {
        let core = InputSet {
            files: vec![InputFile {
                path: CORE_PATH.to_owned(),
                text: CORE.to_owned(),
            }],
        };
        let (mut triples, mut problems) = parse_turtle_files(&core, minter);
        let core_subjects: std::collections::HashSet<NamedOrBlankNode> =
            triples.iter().map(|t| t.subject.clone()).collect();
        let turtle = InputSet {
            files: domain
                .files
                .iter()
                .filter(|f| has_extension(&f.path, "ttl"))
                .cloned()
                .collect(),
        };
        let (domain_triples, found) = parse_turtle_files(&turtle, minter);
        problems.0.extend(found.0);
        let mut declared = Vec::new();
        let mut own = domain_triples;
        for file in domain.files.iter().filter(|f| has_extension(&f.path, "toml")) {
            match declarations::read(file, minter) {
                Ok((t, d)) => {
                    own.extend(t);
                    declared.extend(d);
                }
                Err(d) => problems.0.extend(d.0),
            }
        }
        let mut domain_terms = BTreeSet::new();
        for t in &own {
            let NamedOrBlankNode::NamedNode(s) = &t.subject else {
                continue;
            };
            let is_term = t.predicate.as_ref() == rdf::TYPE
                && matches!(&t.object, Term::NamedNode(o) if *o == owl::CLASS || *o == wikibase::PROPERTY);
            if !is_term {
                continue;
            }
            if core_subjects.contains(&t.subject) {
                let at = declared.iter().find(|d| d.iri == *s);
                let message = format!("<{s}> is a term of powkg's core model: choose another name");
                problems.push(match at {
                    Some(d) => Diagnostic {
                        path: d.path.clone(),
                        position: Some(d.position),
                        message,
                    },
                    None => Diagnostic::file(turtle.files.first().map_or("ontology", |f| f.path.as_str()), message),
                });
            } else {
                domain_terms.insert(s.clone());
            }
        }
        triples.extend(own);
        let path = domain.files.first().map_or(CORE_PATH, |f| f.path.as_str());
        let (schema, derived) = Schema::from_triples(&triples, path, &declared, minter, &mut problems);
        triples.extend(derived);
        triples.sort_by_cached_key(ToString::to_string);
        triples.dedup();
        problems.into_result(Self {
            triples,
            schema,
            domain_terms,
            declared,
        })
    }
}

/// Whether the file `path` ends in `.{extension}`, in any case.
fn has_extension(path: &str, extension: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(extension))
}

/// Parses every Turtle file of a set, relative IRIs against the build's base IRI: the triples of those that parse,
/// and the syntax errors of the others.
pub(crate) fn parse_turtle_files(inputs: &InputSet, minter: &Minter) -> (Vec<Triple>, Diagnostics) {
    let mut triples = Vec::new();
    let mut problems = Diagnostics::default();
    for file in &inputs.files {
        match parse_turtle(file, minter.base()) {
            Ok(t) => triples.extend(t),
            Err(d) => problems.push(d),
        }
    }
    (triples, problems)
}

/// Parses one Turtle file, naming the file, line and column of a syntax error, and of a character that XML 1.0
/// cannot carry (written as it is, or as a `\u` escape in a string).
fn parse_turtle(file: &InputFile, base: &str) -> Result<Vec<Triple>, Diagnostic> {
    if let Some((offset, c)) = forbidden_character(&file.text) {
        return Err(Diagnostic::at(
            &file.path,
            &file.text,
            offset,
            forbidden_character_message(c),
        ));
    }
    crate::rdf::turtle_check::check(file)?;
    let mut triples = Vec::new();
    let parser = RdfParser::from_format(RdfFormat::Turtle)
        .with_base_iri(base)
        .map_err(|e| {
            Diagnostic::file(
                &file.path,
                format!("the base IRI {base} cannot resolve relative IRIs: {e}"),
            )
        })?;
    for quad in parser.for_slice(file.text.as_bytes()) {
        match quad {
            Ok(q) => {
                // The lexical check refuses every way of writing a triple term; should one pass it, it is refused
                // here all the same, without a position.
                if q.object.is_triple() {
                    return Err(Diagnostic::file(
                        &file.path,
                        "holds an RDF 1.2 triple term, which powkg does not take: state it with plain triples",
                    ));
                }
                if let Term::Literal(l) = &q.object
                    && let Some((_, c)) = forbidden_character(l.value())
                {
                    let lower = format!("\\u{:04x}", u32::from(c));
                    let upper = format!("\\u{:04X}", u32::from(c));
                    let long = format!("\\U{:08X}", u32::from(c));
                    let at = [
                        lower,
                        upper,
                        long.clone(),
                        long.to_lowercase().replacen("\\u", "\\U", 1),
                    ]
                    .iter()
                    .filter_map(|escape| file.text.find(escape.as_str()))
                    .min();
                    let message = forbidden_character_message(c);
                    return Err(match at {
                        Some(at) => Diagnostic::at(&file.path, &file.text, at, message),
                        None => Diagnostic::file(&file.path, message),
                    });
                }
                triples.push(Triple::from(q));
            }
            Err(e) => {
                let message = e.to_string();
                let detail = message.split_once(": ").map_or(message.as_str(), |(_, m)| m);
                let message = format!("Turtle syntax error: {detail}");
                let offset = e.location().map_or(0, |l| usize::try_from(l.start.offset).unwrap_or(0));
                return Err(Diagnostic::at(&file.path, &file.text, offset, message));
            }
        }
    }
    Ok(triples)
}

/// The predicate-object pairs of one subject.
struct Description<'a>(Vec<(&'a NamedNode, &'a Term)>);

impl Description<'_> {
    fn object(&self, predicate: NamedNodeRef<'_>) -> Option<NamedNode> {
        self.0.iter().find_map(|(p, o)| match o {
            Term::NamedNode(n) if p.as_ref() == predicate => Some(n.clone()),
            _ => None,
        })
    }

    /// Its `rdfs:label`s by language.
    fn labels(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .filter_map(|(p, o)| match o {
                Term::Literal(l) if p.as_ref() == rdfs::LABEL => Some((l.language()?.to_owned(), l.value().to_owned())),
                _ => None,
            })
            .collect()
    }

    fn has(&self, predicate: NamedNodeRef<'_>, object: NamedNodeRef<'_>) -> bool {
        self.0
            .iter()
            .any(|(p, o)| p.as_ref() == predicate && matches!(o, Term::NamedNode(n) if n.as_ref() == object))
    }
}

impl Schema {
    /// The schema of the ontology's triples, and the family triples derived for properties declared without them.
    fn from_triples(
        triples: &[Triple],
        path: &str,
        declared: &[Declared],
        minter: &Minter,
        problems: &mut Diagnostics,
    ) -> (Self, Vec<Triple>) {
        let mut by_subject: BTreeMap<&NamedNode, Description<'_>> = BTreeMap::new();
        for t in triples {
            if let NamedOrBlankNode::NamedNode(s) = &t.subject {
                by_subject
                    .entry(s)
                    .or_insert_with(|| Description(Vec::new()))
                    .0
                    .push((&t.predicate, &t.object));
            }
        }
        let mut schema = Self::default();
        let mut derived = Vec::new();
        let entity = minter.term(pk::ENTITY);
        let source = minter.term(pk::SOURCE);
        for (subject, d) in &by_subject {
            if d.has(rdf::TYPE, owl::CLASS)
                && let Some(local) = minter.own_local(pk::PATH, subject.as_str())
            {
                let mut ancestors = BTreeSet::new();
                let mut next = d.object(rdfs::SUB_CLASS_OF);
                // Each step climbs one rdfs:subClassOf; a circle ends the climb.
                while let Some(parent) = next.filter(|p| ancestors.insert(p.clone())) {
                    next = by_subject.get(&parent).and_then(|p| p.object(rdfs::SUB_CLASS_OF));
                }
                if ancestors.contains(&entity) {
                    schema.entity_classes.insert(local.to_owned());
                }
                if ancestors.contains(&source) {
                    schema.source_classes.insert(local.to_owned());
                }
            }
            if d.has(rdf::TYPE, wikibase::PROPERTY) {
                let where_ = |message: String| match declared.iter().find(|x| x.iri == **subject) {
                    Some(x) => Diagnostic {
                        path: x.path.clone(),
                        position: Some(x.position),
                        message,
                    },
                    None => Diagnostic::file(path, message),
                };
                match property(subject, d, minter) {
                    Ok((def, families)) => {
                        derived.extend(families);
                        schema.properties.insert(def.key.clone(), def);
                    }
                    Err(message) => problems.push(where_(message)),
                }
            }
        }
        (schema, derived)
    }
}

/// The predicates of the eight Wikibase families, in the order [`Minter::property_families`] mints them.
const FAMILY: [NamedNodeRef<'static>; 8] = [
    wikibase::DIRECT_CLAIM,
    wikibase::CLAIM,
    wikibase::STATEMENT_PROPERTY,
    wikibase::STATEMENT_VALUE,
    wikibase::QUALIFIER,
    wikibase::QUALIFIER_VALUE,
    wikibase::REFERENCE_PROP,
    wikibase::REFERENCE_VALUE,
];

/// A property declaration with its value type and predicate families. A declaration that gives none of the
/// families (a `[[property]]` record, or Turtle with only the type and labels) gets them derived from its IRI, as
/// triples to add; one that gives some must give all.
fn property(subject: &NamedNode, d: &Description<'_>, minter: &Minter) -> Result<(PropertyDef, Vec<Triple>), String> {
    let key = subject
        .as_str()
        .strip_prefix(wd::NS)
        .or_else(|| minter.own_local(pk::PATH, subject.as_str()))
        .unwrap_or(subject.as_str())
        .to_owned();
    let mut derived = Vec::new();
    if FAMILY.iter().all(|p| d.object(*p).is_none()) {
        let families = minter.property_families(subject.as_str()).ok_or_else(|| {
            format!(
                "property <{subject}> has no Wikibase families, and powkg derives them only for a Wikidata property (wd:P…) or a term of the project's ontology (pk:…): declare them, or use such an IRI"
            )
        })?;
        derived = FAMILY
            .iter()
            .zip(families)
            .map(|(p, o)| Triple::new(subject.clone(), *p, o))
            .collect();
    }
    let object = |p: NamedNodeRef<'_>| {
        d.object(p).or_else(|| {
            derived
                .iter()
                .find(|t| t.predicate.as_ref() == p)
                .and_then(|t| match &t.object {
                    Term::NamedNode(n) => Some(n.clone()),
                    _ => None,
                })
        })
    };
    let mut missing = Vec::new();
    let mut need = |p: NamedNodeRef<'static>, name: &str| {
        let found = object(p);
        if found.is_none() {
            missing.push(name.to_owned());
        }
        found
    };
    let kind = need(wikibase::PROPERTY_TYPE, "wikibase:propertyType");
    let external_id = kind.as_ref().is_some_and(|k| *k == wikibase::EXTERNAL_ID);
    let direct = need(wikibase::DIRECT_CLAIM, "wikibase:directClaim");
    let claim = need(wikibase::CLAIM, "wikibase:claim");
    let statement = need(wikibase::STATEMENT_PROPERTY, "wikibase:statementProperty");
    let qualifier = need(wikibase::QUALIFIER, "wikibase:qualifier");
    let reference = need(wikibase::REFERENCE_PROP, "wikibase:reference");
    let statement_value = object(wikibase::STATEMENT_VALUE);
    let qualifier_value = object(wikibase::QUALIFIER_VALUE);
    let kind = match kind {
        Some(k) => Some(
            ValueKind::from_type(k.as_ref())
                .ok_or_else(|| format!("property <{subject}> has unsupported wikibase:propertyType <{k}>"))?,
        ),
        None => None,
    };
    if kind.is_some_and(ValueKind::has_value_node) {
        if statement_value.is_none() {
            missing.push("wikibase:statementValue".into());
        }
        if qualifier_value.is_none() {
            missing.push("wikibase:qualifierValue".into());
        }
    }
    match (kind, direct, claim, statement, qualifier, reference) {
        (Some(kind), Some(direct), Some(claim), Some(statement), Some(qualifier), Some(reference))
            if missing.is_empty() =>
        {
            let def = PropertyDef {
                key,
                iri: subject.clone(),
                kind,
                external_id,
                direct,
                claim,
                statement,
                statement_value,
                qualifier,
                qualifier_value,
                reference,
                labels: d.labels(),
            };
            Ok((def, derived))
        }
        _ => Err(format!(
            "property <{subject}> is declared without {}",
            missing.join(", ")
        )),
    }
}
