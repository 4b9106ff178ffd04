//! One constant per vocabulary term the mapping writes. The `pk:` terms are checked against `ontology/` by a test,
//! both ways: every constant is declared there, and every declared class or meta-property has a constant.

use oxigraph::model::NamedNodeRef;

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
    rdfs, "http://www.w3.org/2000/01/rdf-schema#", [LABEL = "label", COMMENT = "comment", SUB_CLASS_OF = "subClassOf"]
);
namespace!(
    /// OWL.
    owl, "http://www.w3.org/2002/07/owl#", [SAME_AS = "sameAs", CLASS = "Class"]
);
namespace!(
    /// SKOS.
    skos, "http://www.w3.org/2004/02/skos/core#", [
        ALT_LABEL = "altLabel", EDITORIAL_NOTE = "editorialNote", PREF_LABEL = "prefLabel",
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
    /// PROV-O.
    prov, "http://www.w3.org/ns/prov#", [WAS_DERIVED_FROM = "wasDerivedFrom"]
);
namespace!(
    /// schema.org.
    schema, "http://schema.org/", [
        DESCRIPTION = "description", AUTHOR = "author", PUBLISHER = "publisher",
        LOCATION_CREATED = "locationCreated", DATE_PUBLISHED = "datePublished", ISBN = "isbn",
        PAGINATION = "pagination", URL = "url", IN_LANGUAGE = "inLanguage",
    ]
);
namespace!(
    /// Dublin Core terms.
    dcterms, "http://purl.org/dc/terms/", [
        TITLE = "title", DESCRIPTION = "description", LANGUAGE = "language", LICENSE = "license",
        CREATED = "created", SOURCE = "source", RIGHTS = "rights", FORMAT = "format",
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
        REFERENCE_PROP = "reference", REFERENCE_VALUE = "referenceValue",
    ]
);
namespace!(
    /// Wikidata entities.
    wd, "http://www.wikidata.org/entity/", []
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
namespace!(
    /// powkg's reference predicates (the `pr:` family of its own reference properties).
    pkpr, "https://example.org/powkg/prop/reference/", [
        FOOTNOTE = "footnote", ARTICLE = "article", QUOTATION = "quotation",
    ]
);
namespace!(
    /// powkg's ontology: classes and meta-properties the mapping writes by name.
    pk, "https://example.org/powkg/ontology#", [
        ENTITY = "Entity", SOURCE = "Source", CITATION = "Citation", BOUND_KIND = "boundKind",
        BOUND_KIND_SCHEME = "BoundKind", EXACT = "Exact", ABOUT = "About", OVER = "Over", AT_LEAST = "AtLeast", UP_TO = "UpTo", ALMOST = "Almost",
        CONFLICTS_WITH = "conflictsWith", TRANSLATED_TITLE = "translatedTitle", RETRIEVED = "retrieved",
        CITING_SOURCE = "citingSource", CITED_WORK = "citedWork", FOOTNOTE = "footnote",
        SEED_FILE = "seedFile", REGISTER = "Register", SOURCE_DOCUMENT = "sourceDocument", SYNTHETIC = "synthetic",
        CONTENT_HASH = "contentHash", SUBJECT_BUCKETS = "subjectBuckets",
    ]
);

/// The ontology's own IRI (its `owl:Ontology` header).
pub const ONTOLOGY_IRI: &str = "https://example.org/powkg/ontology";

/// Prefixes offered to serializers and to the query table view; writers declare only those they use.
pub const PREFIXES: &[(&str, &str)] = &[
    ("rdf", rdf::NS),
    ("rdfs", rdfs::NS),
    ("owl", owl::NS),
    ("skos", skos::NS),
    ("xsd", xsd::NS),
    ("prov", prov::NS),
    ("schema", schema::NS),
    ("dcterms", dcterms::NS),
    ("void", void::NS),
    ("dcat", dcat::NS),
    ("sd", sd::NS),
    ("wikibase", wikibase::NS),
    ("wd", wd::NS),
    ("wdt", "http://www.wikidata.org/prop/direct/"),
    ("p", "http://www.wikidata.org/prop/"),
    ("ps", "http://www.wikidata.org/prop/statement/"),
    ("psv", "http://www.wikidata.org/prop/statement/value/"),
    ("pq", "http://www.wikidata.org/prop/qualifier/"),
    ("pqv", "http://www.wikidata.org/prop/qualifier/value/"),
    ("pr", "http://www.wikidata.org/prop/reference/"),
    ("prv", "http://www.wikidata.org/prop/reference/value/"),
    ("pk", pk::NS),
    ("pkdt", "https://example.org/powkg/prop/direct/"),
    ("pkp", "https://example.org/powkg/prop/"),
    ("pkps", "https://example.org/powkg/prop/statement/"),
    ("pkpsv", "https://example.org/powkg/prop/statement/value/"),
    ("pkpq", "https://example.org/powkg/prop/qualifier/"),
    ("pkpqv", "https://example.org/powkg/prop/qualifier/value/"),
    ("pkpr", "https://example.org/powkg/prop/reference/"),
    ("pkprv", "https://example.org/powkg/prop/reference/value/"),
];

/// The namespace of powkg's search service (`SERVICE pks:search`, its parameters and outputs), under the base IRI
/// like powkg's other own terms; predeclared as `pks:` in every query.
pub const SEARCH_NS: &str = "https://example.org/powkg/search#";

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
