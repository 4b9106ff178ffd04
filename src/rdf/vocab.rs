//! One constant per vocabulary term the mapping writes. Other vocabularies' terms are IRIs; powkg's own (`pk:`,
//! `pkpr:`, …) are [`Own`] terms, a namespace path and a local name, which the [`Minter`](crate::rdf::iri::Minter)
//! makes into IRIs under the base IRI in use (as sophia's `Namespace::new(base)?.get(local)`): nothing is minted
//! under one base and moved to another. The `pk:` terms are checked against `ontology/` by a test, both ways.

use oxigraph::model::NamedNodeRef;

/// One of powkg's own terms: `{base}{path}{local}` under the base IRI in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Own {
    /// Its namespace's path below the base IRI (`ontology#`).
    pub path: &'static str,
    /// Its local name (`Entity`).
    pub local: &'static str,
}

/// Declares a namespace module of powkg's own terms, one [`Own`] constant per term.
macro_rules! own_namespace {
    ($(#[$doc:meta])* $module:ident, $path:literal, [$($term:ident = $local:literal),* $(,)?]) => {
        $(#[$doc])*
        #[allow(non_upper_case_globals, missing_docs)]
        pub mod $module {
            use super::Own;
            /// The namespace's path below the base IRI.
            pub const PATH: &str = $path;
            $(pub const $term: Own = Own { path: $path, local: $local };)*
            /// Every term of this module, as (local name, term).
            pub const ALL: &[(&str, Own)] = &[$(($local, $term)),*];
        }
    };
}

/// Declares a namespace module with one `NamedNodeRef` constant per term.
macro_rules! namespace {
    ($(#[$doc:meta])* $module:ident, $iri:literal, [$($term:ident = $local:literal),* $(,)?]) => {
        $(#[$doc])*
        #[allow(non_upper_case_globals, missing_docs)]
        pub mod $module {
            use super::NamedNodeRef;
            /// The namespace IRI.
            pub const NS: &str = $iri;
            $(pub const $term: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(concat!($iri, $local));)*
            /// Every term of this module, as (local name, term).
            pub const ALL: &[(&str, NamedNodeRef<'static>)] = &[$(($local, $term)),*];
        }
    };
}

namespace!(
    /// RDF.
    rdf, "http://www.w3.org/1999/02/22-rdf-syntax-ns#", [TYPE = "type"]
);
namespace!(
    /// RDF Schema.
    rdfs, "http://www.w3.org/2000/01/rdf-schema#", [
        LABEL = "label", COMMENT = "comment", SUB_CLASS_OF = "subClassOf", IS_DEFINED_BY = "isDefinedBy",
    ]
);
namespace!(
    /// OWL.
    owl, "http://www.w3.org/2002/07/owl#", [SAME_AS = "sameAs", CLASS = "Class"]
);
namespace!(
    /// SKOS.
    skos, "http://www.w3.org/2004/02/skos/core#", [
        ALT_LABEL = "altLabel", EDITORIAL_NOTE = "editorialNote", PREF_LABEL = "prefLabel", EXACT_MATCH = "exactMatch",
    ]
);
namespace!(
    /// XML Schema datatypes.
    xsd, "http://www.w3.org/2001/XMLSchema#", [
        DATE = "date", G_YEAR = "gYear", G_YEAR_MONTH = "gYearMonth", DATE_TIME = "dateTime",
        DECIMAL = "decimal", INTEGER = "integer", LANGUAGE = "language", ANY_URI = "anyURI",
        STRING = "string", BOOLEAN = "boolean",
    ]
);
namespace!(
    /// VANN, the vocabulary for annotating vocabulary descriptions.
    vann, "http://purl.org/vocab/vann/", [PREFERRED_NAMESPACE_URI = "preferredNamespaceUri"]
);
namespace!(
    /// PROV-O.
    prov, "http://www.w3.org/ns/prov#", [WAS_DERIVED_FROM = "wasDerivedFrom"]
);
namespace!(
    /// schema.org.
    schema, "http://schema.org/", [
        DESCRIPTION = "description", AUTHOR = "author", PUBLISHER = "publisher",
        LOCATION_CREATED = "locationCreated", DATE_PUBLISHED = "datePublished", ISBN = "isbn",
        PAGINATION = "pagination", URL = "url", IN_LANGUAGE = "inLanguage", ABOUT = "about",
        IS_PART_OF = "isPartOf", NAME = "name", ARTICLE = "Article",
    ]
);
namespace!(
    /// Dublin Core terms.
    dcterms, "http://purl.org/dc/terms/", [
        TITLE = "title", DESCRIPTION = "description", LANGUAGE = "language", LICENSE = "license",
        CREATED = "created", SOURCE = "source", RIGHTS = "rights", FORMAT = "format", CONFORMS_TO = "conformsTo",
        IS_VERSION_OF = "isVersionOf",
    ]
);
namespace!(
    /// VoID.
    void, "http://rdfs.org/ns/void#", [
        DATASET = "Dataset", TRIPLES = "triples", ENTITIES = "entities", SUBSET = "subset",
        DISTINCT_SUBJECTS = "distinctSubjects", PROPERTIES = "properties", CLASSES = "classes",
        SPARQL_ENDPOINT = "sparqlEndpoint", DATA_DUMP = "dataDump", URI_SPACE = "uriSpace",
    ]
);
namespace!(
    /// DCAT.
    dcat, "http://www.w3.org/ns/dcat#", [
        DATASET = "Dataset", DISTRIBUTION_CLASS = "Distribution", DISTRIBUTION = "distribution",
        ACCESS_URL = "accessURL", DOWNLOAD_URL = "downloadURL", MEDIA_TYPE = "mediaType",
    ]
);
namespace!(
    /// SPARQL 1.1 Service Description (named graphs of the dataset).
    sd, "http://www.w3.org/ns/sparql-service-description#", [NAMED_GRAPH = "NamedGraph", NAME = "name"]
);
namespace!(
    /// The Wikibase ontology.
    wikibase, "http://wikiba.se/ontology#", [
        ITEM = "Item", STATEMENT = "Statement", REFERENCE = "Reference", BEST_RANK = "BestRank",
        RANK = "rank", NORMAL_RANK = "NormalRank", PREFERRED_RANK = "PreferredRank",
        DEPRECATED_RANK = "DeprecatedRank", QUANTITY_VALUE = "QuantityValue",
        QUANTITY_AMOUNT = "quantityAmount", QUANTITY_LOWER_BOUND = "quantityLowerBound",
        QUANTITY_UPPER_BOUND = "quantityUpperBound", TIME_VALUE = "TimeValue", TIME_VALUE_PROP = "timeValue",
        TIME_PRECISION = "timePrecision", TIME_TIMEZONE = "timeTimezone", PROPERTY = "Property", PROPERTY_TYPE = "propertyType",
        WIKIBASE_ITEM = "WikibaseItem", TIME = "Time", QUANTITY = "Quantity", STRING = "String",
        MONOLINGUALTEXT = "Monolingualtext", URL = "Url", EXTERNAL_ID = "ExternalId",
        DIRECT_CLAIM = "directClaim", CLAIM = "claim", STATEMENT_PROPERTY = "statementProperty",
        STATEMENT_VALUE = "statementValue", QUALIFIER = "qualifier", QUALIFIER_VALUE = "qualifierValue",
        REFERENCE_PROP = "reference", REFERENCE_VALUE = "referenceValue", STATEMENTS = "statements",
        SITELINKS = "sitelinks", IDENTIFIERS = "identifiers",
    ]
);
namespace!(
    /// Wikidata entities.
    wd, "http://www.wikidata.org/entity/", []
);
namespace!(
    /// Wikidata's truthy (direct) predicates the mapping writes by name: the work properties of sources.
    wdt, "http://www.wikidata.org/prop/direct/", [
        TITLE = "P1476", AUTHOR_NAME = "P2093", PUBLICATION_DATE = "P577", PUBLISHER = "P123",
        PUBLISHED_IN = "P1433", ISBN_10 = "P957",
    ]
);
namespace!(
    /// Wikidata reference predicates the mapping writes by name.
    pr, "http://www.wikidata.org/prop/reference/", [
        STATED_IN = "P248", REFERENCE_URL = "P854", IMPORTED_FROM = "P143", IMPORT_URL = "P4656", PAGES = "P304",
        RETRIEVED = "P813",
    ]
);
namespace!(
    /// Wikidata reference value-node predicates the mapping writes by name.
    prv, "http://www.wikidata.org/prop/reference/value/", [RETRIEVED = "P813"]
);
own_namespace!(
    /// powkg's reference predicates (the `pr:` family of its own reference properties).
    pkpr, "prop/reference/", [
        FOOTNOTE = "footnote", ARTICLE = "article", QUOTATION = "quotation",
    ]
);
own_namespace!(
    /// powkg's ontology: classes and meta-properties the mapping writes by name.
    pk, "ontology#", [
        ENTITY = "Entity", SOURCE = "Source", CITATION = "Citation", BOUND_KIND = "boundKind",
        BOUND_KIND_SCHEME = "BoundKind", EXACT = "Exact", ABOUT = "About", OVER = "Over", AT_LEAST = "AtLeast", UP_TO = "UpTo", ALMOST = "Almost",
        CONFLICTS_WITH = "conflictsWith", TRANSLATED_TITLE = "translatedTitle", RETRIEVED = "retrieved",
        CITING_SOURCE = "citingSource", CITED_WORK = "citedWork", FOOTNOTE = "footnote",
        SEED_FILE = "seedFile", REGISTER = "Register", SOURCE_DOCUMENT = "sourceDocument", SYNTHETIC = "synthetic",
        CONTENT_HASH = "contentHash", SUBJECT_BUCKETS = "subjectBuckets",
    ]
);

own_namespace!(
    /// powkg's search service (`SERVICE pks:search`, its parameters and outputs), predeclared as `pks:` in every
    /// query.
    pks, "search#", []
);
own_namespace!(
    /// powkg's SHACL shapes.
    pksh, "shapes#", []
);

/// The path below the base IRI of the ontology's own IRI (its `owl:Ontology` header).
pub const ONTOLOGY_PATH: &str = "ontology";

/// A namespace a writer may declare: another vocabulary's, or one of powkg's own below the base IRI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// An absolute IRI.
    Fixed(&'static str),
    /// A path below the base IRI in use.
    Own(&'static str),
}

/// Prefixes offered to serializers and to the query table view; writers declare only those they use.
pub const PREFIXES: &[(&str, Namespace)] = &[
    ("rdf", Namespace::Fixed(rdf::NS)),
    ("rdfs", Namespace::Fixed(rdfs::NS)),
    ("owl", Namespace::Fixed(owl::NS)),
    ("skos", Namespace::Fixed(skos::NS)),
    ("xsd", Namespace::Fixed(xsd::NS)),
    ("prov", Namespace::Fixed(prov::NS)),
    ("schema", Namespace::Fixed(schema::NS)),
    ("dcterms", Namespace::Fixed(dcterms::NS)),
    ("void", Namespace::Fixed(void::NS)),
    ("dcat", Namespace::Fixed(dcat::NS)),
    ("sd", Namespace::Fixed(sd::NS)),
    ("wikibase", Namespace::Fixed(wikibase::NS)),
    ("wd", Namespace::Fixed(wd::NS)),
    ("wdt", Namespace::Fixed("http://www.wikidata.org/prop/direct/")),
    ("p", Namespace::Fixed("http://www.wikidata.org/prop/")),
    ("ps", Namespace::Fixed("http://www.wikidata.org/prop/statement/")),
    ("psv", Namespace::Fixed("http://www.wikidata.org/prop/statement/value/")),
    ("pq", Namespace::Fixed("http://www.wikidata.org/prop/qualifier/")),
    ("pqv", Namespace::Fixed("http://www.wikidata.org/prop/qualifier/value/")),
    ("pr", Namespace::Fixed("http://www.wikidata.org/prop/reference/")),
    ("prv", Namespace::Fixed("http://www.wikidata.org/prop/reference/value/")),
    ("pk", Namespace::Own(pk::PATH)),
    ("pkdt", Namespace::Own("prop/direct/")),
    ("pkp", Namespace::Own("prop/")),
    ("pkps", Namespace::Own("prop/statement/")),
    ("pkpsv", Namespace::Own("prop/statement/value/")),
    ("pkpq", Namespace::Own("prop/qualifier/")),
    ("pkpqv", Namespace::Own("prop/qualifier/value/")),
    ("pkpr", Namespace::Own("prop/reference/")),
    ("pkprv", Namespace::Own("prop/reference/value/")),
];

/// Prefixes every query has predeclared beside [`PREFIXES`], as on the Wikidata Query Service, so that its users'
/// queries run unchanged. The graph itself uses none of them, so no writer declares them.
pub const QUERY_PREFIXES: &[(&str, &str)] = &[
    ("bd", "http://www.bigdata.com/rdf#"),
    ("wds", "http://www.wikidata.org/entity/statement/"),
    ("wdv", "http://www.wikidata.org/value/"),
    ("wdref", "http://www.wikidata.org/reference/"),
    ("psn", "http://www.wikidata.org/prop/statement/value-normalized/"),
    ("ontolex", "http://www.w3.org/ns/lemon/ontolex#"),
    ("dct", "http://purl.org/dc/terms/"),
];
