//! The one place IRIs are minted: data IRIs under the base IRI, from stable ids, or from content hashes for
//! reference and value nodes (as Wikidata's `wdref:`/`wdv:`), so that no blank node is ever needed.

use std::fmt;

use oxigraph::model::NamedNode;
use sha2::{Digest, Sha256};

use crate::rdf::vocab::{Namespace, ONTOLOGY_PATH, Own};

/// Why a base IRI was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid base IRI \"{iri}\": {reason}")]
pub struct BaseIriError {
    /// The IRI given.
    pub iri: String,
    /// What is wrong.
    pub reason: String,
}

/// The named graphs of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GraphKind {
    /// The ontology files.
    Ontology,
    /// The curated facts.
    Data,
    /// The dataset description (VoID, DCAT).
    Metadata,
}

impl GraphKind {
    /// All graphs, in order.
    pub const ALL: [Self; 3] = [Self::Ontology, Self::Data, Self::Metadata];

    /// The graph's name under the base IRI.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ontology => "ontology",
            Self::Data => "data",
            Self::Metadata => "metadata",
        }
    }
}

/// What an IRI under the base IRI names, read from its path (the one place that reads IRIs back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IriKind {
    /// `{base}entity/…`
    Entity,
    /// `{base}statement/…`
    Statement,
    /// `{base}source/…`, with the citations beneath a source.
    Source,
    /// `{base}reference/…`
    Reference,
    /// `{base}value/…`
    Value,
    /// `{base}graph/…`
    Graph,
    /// `{base}dataset`
    Dataset,
    /// `{base}ontology`: the ontology, the document of its terms.
    Ontology,
    /// `{base}ontology#…`: a class, property or individual of the ontology.
    Term,
    /// `{base}prop/…`: a predicate of a property's family (`pkdt:`, `pkp:`, `pkps:`, …).
    Predicate,
    /// `{base}shapes…`: the SHACL shapes.
    Shapes,
}

/// Mints every data IRI of a build under one base IRI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minter {
    base: String,
}

/// The default base IRI; publishers set their own with `--base-iri`.
pub const DEFAULT_BASE_IRI: &str = "https://example.org/powkg/";

impl Minter {
    /// Accepts an absolute IRI with no query or fragment; adds a trailing `/` when missing.
    pub fn new(base: &str) -> Result<Self, BaseIriError> {
        let error = |reason: &str| BaseIriError {
            iri: base.to_owned(),
            reason: reason.to_owned(),
        };
        let parsed = iri_string::types::IriAbsoluteStr::new(base)
            .map_err(|_| error("expected an absolute IRI such as https://example.org/powkg/"))?;
        if parsed.authority_str().is_none_or(str::is_empty) {
            return Err(error("expected an IRI with a host, such as https://example.org/powkg/"));
        }
        if parsed.query_str().is_some() {
            return Err(error("a base IRI cannot have a query part"));
        }
        if let Some(port) = parsed.authority_components().and_then(|a| a.port())
            && !port.is_empty()
            && !port.parse::<u16>().is_ok_and(|p| p > 0)
        {
            return Err(error(&format!("port {port} is not a port number (1 to 65535)")));
        }
        let path = parsed.path_str();
        if path
            .split('/')
            .any(|s| matches!(s.replace("%2E", ".").replace("%2e", ".").as_str(), "." | ".."))
        {
            return Err(error(
                "its path has a \".\" or \"..\" segment, which IRI resolution removes: write the path it stands for",
            ));
        }
        let mut base = base.to_owned();
        if !base.ends_with('/') {
            base.push('/');
        }
        Ok(Self { base })
    }

    /// The base IRI, ending in `/`.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn mint(&self, path: fmt::Arguments<'_>) -> NamedNode {
        let iri = format!("{}{path}", self.base);
        // Ids are checked slugs and hashes are hex, so this cannot fail; checking keeps that promise honest.
        debug_assert!(
            iri_string::types::IriStr::new(&iri).is_ok(),
            "minted an invalid IRI: {iri}"
        );
        NamedNode::new_unchecked(iri)
    }

    /// `{base}entity/{id}`
    pub fn entity(&self, id: &str) -> NamedNode {
        self.mint(format_args!("entity/{id}"))
    }

    /// `{base}statement/{claim id}`
    pub fn statement(&self, id: &str) -> NamedNode {
        self.mint(format_args!("statement/{id}"))
    }

    /// `{base}source/{id}`
    pub fn source(&self, id: &str) -> NamedNode {
        self.mint(format_args!("source/{id}"))
    }

    /// `{base}source/{id}/citation/{citing source}/{footnote}`
    pub fn citation(&self, id: &str, citing: &str, footnote: u32) -> NamedNode {
        self.mint(format_args!("source/{id}/citation/{citing}/{footnote}"))
    }

    /// `{base}reference/{hash of content}`
    pub fn reference(&self, content: &str) -> NamedNode {
        self.mint(format_args!("reference/{}", content_hash(content)))
    }

    /// `{base}value/{hash of content}`
    pub fn value(&self, content: &str) -> NamedNode {
        self.mint(format_args!("value/{}", content_hash(content)))
    }

    /// `{base}graph/{name}`
    pub fn graph(&self, kind: GraphKind) -> NamedNode {
        self.mint(format_args!("graph/{}", kind.name()))
    }

    /// `{base}graph/register/{id}`: the named graph of a register's rows.
    pub fn register_graph(&self, id: &str) -> NamedNode {
        self.mint(format_args!("graph/register/{id}"))
    }

    /// Whether `iri` is under this base IRI (a thing this build mints or one of powkg's own terms).
    pub fn is_own(&self, iri: &str) -> bool {
        iri.starts_with(self.base.as_str())
    }

    /// `{base}graph/push`: where `powkg push` records, in the store it pushes to, what it pushed.
    pub fn push_record(&self) -> NamedNode {
        self.mint(format_args!("graph/push"))
    }

    /// `{base}dataset`
    pub fn dataset(&self) -> NamedNode {
        self.mint(format_args!("dataset"))
    }

    /// What `iri` names, when it is under this base IRI.
    pub fn kind(&self, iri: &str) -> Option<IriKind> {
        let rest = iri.strip_prefix(self.base.as_str())?;
        let (first, tail) = rest.split_once(['/', '#']).unwrap_or((rest, ""));
        Some(match first {
            "entity" => IriKind::Entity,
            "statement" => IriKind::Statement,
            "source" => IriKind::Source,
            "reference" => IriKind::Reference,
            "value" => IriKind::Value,
            "graph" => IriKind::Graph,
            "dataset" if tail.is_empty() => IriKind::Dataset,
            "ontology" if rest.len() == first.len() => IriKind::Ontology,
            "ontology" if rest.as_bytes()[first.len()] == b'#' => IriKind::Term,
            "prop" => IriKind::Predicate,
            "shapes" => IriKind::Shapes,
            _ => return None,
        })
    }

    /// One of powkg's own terms ([`crate::rdf::vocab`]'s `pk:`, `pkpr:`, …) under this base IRI.
    pub fn term(&self, term: Own) -> NamedNode {
        self.own(term.path, term.local)
    }

    /// `{base}{path}{local}`: a term of one of powkg's own namespaces that the data names (an entity's class).
    pub fn own(&self, path: &str, local: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{path}{local}", self.base))
    }

    /// The IRI of one of powkg's own namespaces under this base IRI (`{base}ontology#`).
    pub fn namespace(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The local name of `iri` in the namespace `path` under this base IRI, if it is in it.
    pub fn own_local<'a>(&self, path: &str, iri: &'a str) -> Option<&'a str> {
        iri.strip_prefix(self.base.as_str())?.strip_prefix(path)
    }

    /// The eight predicates of a property's Wikibase families, in the order [`FAMILIES`] names them: Wikidata's
    /// (`wdt:P…`, `p:P…`, …) for a Wikidata property `wd:P…`, powkg's own under this base (`pkdt:…`, `pkp:…`, …)
    /// for a term of the ontology; `None` for any other IRI.
    pub fn property_families(&self, property: &str) -> Option<[NamedNode; 8]> {
        const WIKIDATA: [&str; 8] = [
            "http://www.wikidata.org/prop/direct/",
            "http://www.wikidata.org/prop/",
            "http://www.wikidata.org/prop/statement/",
            "http://www.wikidata.org/prop/statement/value/",
            "http://www.wikidata.org/prop/qualifier/",
            "http://www.wikidata.org/prop/qualifier/value/",
            "http://www.wikidata.org/prop/reference/",
            "http://www.wikidata.org/prop/reference/value/",
        ];
        const OWN: [&str; 8] = [
            "prop/direct/",
            "prop/",
            "prop/statement/",
            "prop/statement/value/",
            "prop/qualifier/",
            "prop/qualifier/value/",
            "prop/reference/",
            "prop/reference/value/",
        ];
        if let Some(id) = property.strip_prefix(crate::rdf::vocab::wd::NS)
            && is_property_id(id)
        {
            return Some(WIKIDATA.map(|ns| NamedNode::new_unchecked(format!("{ns}{id}"))));
        }
        let local = self.own_local(crate::rdf::vocab::pk::PATH, property)?;
        (!local.is_empty()).then(|| OWN.map(|path| self.own(path, local)))
    }

    /// The family a predicate belongs to and its property: `(i, property)` where `i` indexes [`FAMILIES`] and the
    /// property is `wd:P…` or one of the ontology's own (`pk:…`); the inverse of [`Minter::property_families`].
    pub fn family_of(&self, predicate: &str) -> Option<(usize, NamedNode)> {
        const WIKIDATA: &str = "http://www.wikidata.org/prop/";
        // The longest family paths first: `prop/statement/value/` before `prop/statement/` before `prop/`.
        const PATHS: [(&str, usize); 8] = [
            ("statement/value/", 3),
            ("qualifier/value/", 5),
            ("reference/value/", 7),
            ("statement/", 2),
            ("qualifier/", 4),
            ("reference/", 6),
            ("direct/", 0),
            ("", 1),
        ];
        let (rest, wikidata) = match predicate.strip_prefix(WIKIDATA) {
            Some(rest) => (rest, true),
            None => (self.own_local("prop/", predicate)?, false),
        };
        let (family, local) = PATHS
            .iter()
            .find_map(|(path, family)| rest.strip_prefix(path).map(|local| (*family, local)))?;
        if local.is_empty() || local.contains('/') {
            return None;
        }
        let property = if wikidata {
            is_property_id(local).then(|| NamedNode::new_unchecked(format!("{}{local}", crate::rdf::vocab::wd::NS)))?
        } else {
            self.own(crate::rdf::vocab::pk::PATH, local)
        };
        Some((family, property))
    }

    /// The id a thing minted under this base IRI has in its kind's path (`entity/riverside` gives `riverside`,
    /// `statement/c-1` gives `c-1`); for any other IRI, its last path segment.
    pub fn local_id<'a>(&self, iri: &'a str) -> &'a str {
        if let Some(rest) = iri.strip_prefix(self.base.as_str())
            && let Some((_, id)) = rest.split_once('/')
            && !id.is_empty()
        {
            return id;
        }
        iri.rsplit(['/', '#']).find(|s| !s.is_empty()).unwrap_or(iri)
    }

    /// The ontology's own IRI (its `owl:Ontology` header): `{base}ontology`.
    pub fn ontology(&self) -> NamedNode {
        self.own(ONTOLOGY_PATH, "")
    }

    /// Every prefix a writer may declare: the vocabularies' and the data namespaces under this base IRI.
    pub fn prefixes(&self) -> Vec<(String, String)> {
        let vocabularies = crate::rdf::vocab::PREFIXES.iter().map(|(p, ns)| {
            let ns = match ns {
                Namespace::Fixed(iri) => (*iri).to_owned(),
                Namespace::Own(path) => self.namespace(path),
            };
            ((*p).to_owned(), ns)
        });
        let data = ["entity", "statement", "source", "reference", "value", "graph"]
            .iter()
            .map(|p| ((*p).to_owned(), format!("{}{p}/", self.base)));
        vocabularies.chain(data).collect()
    }

    /// The scheme and authority of the base IRI (`https://example.org`): where its things' pages are served.
    pub fn origin(&self) -> &str {
        let after_scheme = self.base.find("://").map_or(0, |i| i + 3);
        self.base[after_scheme..]
            .find('/')
            .map_or(self.base.as_str(), |i| &self.base[..after_scheme + i])
    }

    /// The path part of the base IRI (`/powkg/`): the pages of its things are under it.
    pub fn base_path(&self) -> &str {
        &self.base[self.origin().len()..]
    }

    /// `iri` as a path at the base IRI's origin (`/powkg/entity/riverside`), whatever follows; `None` for an IRI of
    /// another origin.
    pub fn path_at_origin<'a>(&self, iri: &'a str) -> Option<&'a str> {
        iri.strip_prefix(self.origin())
    }

    /// The path of the pages of a thing minted under the base (`/powkg/entity/riverside`): under the base path, not
    /// the base path itself, and without a fragment (a term of the hash namespace has no pages of its own).
    pub fn page_path<'a>(&self, iri: &'a str) -> Option<&'a str> {
        let base_path = self.base_path();
        self.path_at_origin(iri)
            .filter(|path| path.starts_with(base_path) && path.len() > base_path.len() && !path.contains('#'))
    }

    /// The name of one of this build's graphs after `{base}graph/` (`data`, `register/sites`); `None` for an IRI
    /// that names no graph under this base IRI.
    pub fn graph_name<'a>(&self, iri: &'a str) -> Option<&'a str> {
        iri.strip_prefix(self.base.as_str())?.strip_prefix("graph/")
    }
}

/// The Wikibase family predicates, in the order [`Minter::property_families`] returns them.
pub const FAMILIES: [&str; 8] = [
    "wikibase:directClaim",
    "wikibase:claim",
    "wikibase:statementProperty",
    "wikibase:statementValue",
    "wikibase:qualifier",
    "wikibase:qualifierValue",
    "wikibase:reference",
    "wikibase:referenceValue",
];

/// Whether `id` is a Wikidata property id: `P` and a number without leading zeros.
pub fn is_property_id(id: &str) -> bool {
    id.strip_prefix('P')
        .is_some_and(|n| !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The Wikidata id (`Q42`, `P31`) that an IRI of Wikidata's entity namespace (`wd:`) names; `None` for any other
/// IRI.
pub fn wikidata_id(iri: &str) -> Option<&str> {
    iri.strip_prefix(crate::rdf::vocab::wd::NS)
        .filter(|id| is_item_id(id) || is_property_id(id))
}

/// Whether `id` is a Wikidata item id: `Q` and a number without leading zeros.
pub fn is_item_id(id: &str) -> bool {
    id.strip_prefix('Q')
        .is_some_and(|n| !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `iri` as `prefix:local`, with the longest of `prefixes`' namespaces it starts with, where the rest can stand as
/// a local name: not empty (the namespace itself stays in full) and not starting with `//` (which would read as an
/// IRI of its own); `None` where no namespace fits. Every place that shortens IRIs for people (tables, pages, search
/// hits, validation and coverage reports, JSON-LD) uses this, and chooses its own fallback: the IRI in angle
/// brackets where terms are shown in SPARQL's syntax, bare where a reader expects an address.
pub fn shorten(iri: &str, prefixes: &[(String, String)]) -> Option<String> {
    let (prefix, namespace) = prefixes
        .iter()
        .filter(|(_, ns)| iri.starts_with(ns.as_str()))
        .max_by_key(|(_, ns)| ns.len())?;
    let local = &iri[namespace.len()..];
    (!local.is_empty() && !local.starts_with("//")).then(|| format!("{prefix}:{local}"))
}

/// The longest path segment a record's IRI may have, in bytes: its last segment names the thing's files on a static
/// site (`{segment}.jsonld`, at most 7 bytes more), and file systems take names of at most 255 bytes.
pub const MAX_SEGMENT: usize = 240;

/// The bidirectional formatting characters, which RFC 3987 (section 4.1) forbids in IRIs: LRM, RLM, ALM, the
/// embeddings and overrides, and the isolates. Shown in an IRI, they reorder what a reader sees.
const BIDI_FORMATTING: [char; 12] = [
    '\u{200E}', '\u{200F}', '\u{061C}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}',
    '\u{2067}', '\u{2068}', '\u{2069}',
];

/// Why `iri`, made from a record's values by a register's item template, cannot name a thing; `None` if it can.
/// Besides being a valid IRI, it must have no `.` or `..` path segment (also written `%2E`), which resolution
/// removes, so that it would name another thing and a static site would write its files elsewhere; no empty
/// segment, which no file can be named after; no segment longer than [`MAX_SEGMENT`] bytes; no bidirectional
/// formatting character (RFC 3987); and it must be in Unicode normalization form C, as RFC 3987 asks of IRIs made
/// from text, so that two records never differ only in how their accents are encoded (file systems that normalize
/// names would give them one file). Checked on every row, so ASCII IRIs skip the Unicode checks.
pub fn record_iri_problem(iri: &str) -> Option<String> {
    let Ok(parsed) = iri_string::types::IriStr::new(iri) else {
        return Some("is not a valid IRI (rejected by RDF parsers)".to_owned());
    };
    if !iri.is_ascii() {
        if let Some(c) = iri.chars().find(|c| BIDI_FORMATTING.contains(c)) {
            return Some(format!(
                "holds U+{:04X}, a bidirectional formatting character (RFC 3987 forbids them in IRIs)",
                u32::from(c)
            ));
        }
        if !unicode_normalization::is_nfc(iri) {
            return Some(
                "is not in Unicode normalization form C (NFC): write its accented letters composed, so that it \
                 cannot name the same file as another record's"
                    .to_owned(),
            );
        }
    }
    let path = parsed.path_str();
    // The path of an absolute IRI with an authority starts with `/`; the first piece is the empty one before it.
    let segments = path.strip_prefix('/').unwrap_or(path);
    if segments.is_empty() {
        return None;
    }
    for segment in segments.split('/') {
        let decoded = segment.replace("%2E", ".").replace("%2e", ".");
        if decoded == "." || decoded == ".." {
            return Some(format!(
                "has the path segment \"{segment}\", removed by IRI resolution (so it would name another thing)"
            ));
        }
        if segment.is_empty() {
            return Some(
                "has an empty path segment (\"//\" or a trailing \"/\"): no file can be named after it".to_owned(),
            );
        }
        if segment.len() > MAX_SEGMENT {
            return Some(format!(
                "has a path segment of {} bytes, longer than the {MAX_SEGMENT} bytes a static site's file names \
                 may take from it",
                segment.len()
            ));
        }
    }
    None
}

/// First 128 bits of SHA-256, hex: stable across builds, and collisions are out of reach for any register size.
fn content_hash(content: &str) -> String {
    crate::rdf::hash::hex(&Sha256::digest(content.as_bytes())[..16])
}

/// Whether `iri` names a node minted beneath `parent` (`{parent}/…`): a source's citations, a thing's nodes.
pub fn is_beneath(iri: &str, parent: &str) -> bool {
    iri.strip_prefix(parent).is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_iri_is_shortened_with_the_longest_namespace_and_only_to_a_local_name() {
        let prefixes = [("a", "http://x/"), ("b", "http://x/y/")].map(|(p, ns)| (p.to_owned(), ns.to_owned()));
        assert_eq!(shorten("http://x/y/z", &prefixes).as_deref(), Some("b:z"));
        assert_eq!(shorten("http://x/z", &prefixes).as_deref(), Some("a:z"));
        // The namespace itself, a rest that reads as an IRI of its own, and an IRI under no namespace stay whole.
        assert_eq!(shorten("http://x/y/", &prefixes), None);
        assert_eq!(shorten("http://x///z", &prefixes), None);
        assert_eq!(shorten("https://other/z", &prefixes), None);
    }

    #[test]
    fn mints_under_the_base() {
        let m = Minter::new("https://example.net/kg").unwrap();
        assert_eq!(
            m.entity("riverside").as_str(),
            "https://example.net/kg/entity/riverside"
        );
        assert_eq!(m.graph(GraphKind::Data).as_str(), "https://example.net/kg/graph/data");
        assert_eq!(m.value("x"), m.value("x"));
        assert_ne!(m.value("x"), m.value("y"));
        assert_eq!(
            m.reference("x").as_str().len(),
            "https://example.net/kg/reference/".len() + 32
        );
    }

    #[test]
    fn powkg_terms_are_minted_under_the_base_and_read_back_from_it() {
        let m = Minter::new("https://data.example.net/kg/").unwrap();
        assert_eq!(
            m.term(crate::rdf::vocab::pk::CONFLICTS_WITH).as_str(),
            "https://data.example.net/kg/ontology#conflictsWith"
        );
        assert_eq!(m.ontology().as_str(), "https://data.example.net/kg/ontology");
        assert_eq!(
            m.own_local(crate::rdf::vocab::pk::PATH, "https://data.example.net/kg/ontology#Site"),
            Some("Site")
        );
        // Under another base, or another namespace: not one of this build's terms.
        assert_eq!(
            m.own_local(crate::rdf::vocab::pk::PATH, "https://example.org/powkg/ontology#Site"),
            None
        );
        assert_eq!(
            m.own_local(crate::rdf::vocab::pk::PATH, "https://data.example.net/kg/prop/x"),
            None
        );
        let prefixes = m.prefixes();
        let pkps = prefixes.iter().find(|(p, _)| p == "pkps").unwrap();
        assert_eq!(pkps.1, "https://data.example.net/kg/prop/statement/");
        let wdt = prefixes.iter().find(|(p, _)| p == "wdt").unwrap();
        assert_eq!(wdt.1, "http://www.wikidata.org/prop/direct/");
        let default = Minter::new(DEFAULT_BASE_IRI).unwrap();
        assert_eq!(
            default.term(crate::rdf::vocab::pk::CONFLICTS_WITH).as_str(),
            "https://example.org/powkg/ontology#conflictsWith"
        );
    }

    #[test]
    fn iri_kinds_are_read_back_from_their_paths() {
        let m = Minter::new("https://example.net/kg/").unwrap();
        assert_eq!(m.kind(m.entity("riverside").as_str()), Some(IriKind::Entity));
        assert_eq!(m.kind(m.citation("x", "en-article", 3).as_str()), Some(IriKind::Source));
        assert_eq!(m.kind(m.value("v").as_str()), Some(IriKind::Value));
        assert_eq!(m.kind(m.dataset().as_str()), Some(IriKind::Dataset));
        assert_eq!(
            m.kind(m.term(crate::rdf::vocab::pk::ENTITY).as_str()),
            Some(IriKind::Term)
        );
        assert_eq!(m.kind(m.ontology().as_str()), Some(IriKind::Ontology));
        assert_eq!(
            m.kind("https://example.net/kg/prop/direct/heldAt"),
            Some(IriKind::Predicate)
        );
        assert_eq!(m.kind("https://example.net/kg/ontologyx"), None);
        assert_eq!(m.kind("https://example.net/kg/datasets"), None);
        assert_eq!(m.kind("https://example.org/powkg/entity/riverside"), None);
        assert_eq!(
            m.register_graph("sites").as_str(),
            "https://example.net/kg/graph/register/sites"
        );
        assert_eq!(m.kind(m.register_graph("sites").as_str()), Some(IriKind::Graph));
        assert!(m.is_own("https://example.net/kg/anything") && !m.is_own("https://example.net/kgx"));
    }

    #[test]
    fn refuses_relative_or_odd_base_iris() {
        assert!(Minter::new("example.org/powkg/").is_err());
        assert!(Minter::new("/powkg/").is_err());
        assert!(Minter::new("https://example.org/?q=1").is_err());
        assert!(Minter::new("https://exa mple.org/").is_err());
        assert!(Minter::new("urn:x").is_err());
        assert!(Minter::new("https://example.org:99999/powkg/").is_err());
        assert!(Minter::new("https://example.org:0/powkg/").is_err());
        assert!(Minter::new("https://example.org/a/../powkg/").is_err());
        assert!(Minter::new("https://example.org/a/%2e/").is_err());
        assert!(Minter::new("https://example.org:8080/powkg/").is_ok());
        assert!(Minter::new("https://example.org:/powkg/").is_ok());
    }

    #[test]
    fn record_iris_that_would_name_another_thing_or_no_file_are_refused() {
        let fine = "https://example.org/powkg/record/reg/Vell%20A";
        assert_eq!(record_iri_problem(fine), None);
        assert_eq!(record_iri_problem("https://example.org/powkg/record/reg/Șoltuz"), None);
        for (iri, expected) in [
            ("https://example.org/powkg/record/reg/..", "\"..\""),
            ("https://example.org/powkg/record/../../PWNED", "\"..\""),
            ("https://example.org/powkg/record/./x", "\".\""),
            ("https://example.org/powkg/record/%2E%2e/x", "\"%2E%2e\""),
            ("https://example.org/powkg/record//x", "empty path segment"),
            ("https://example.org/powkg/record/x/", "empty path segment"),
            ("https://example.org/powkg/record/a\u{202E}b", "U+202E"),
            (
                "https://example.org/powkg/record/S\u{0326}tefan",
                "normalization form C",
            ),
            ("https://example.org/powkg/a#b#c", "not a valid IRI"),
        ] {
            let problem = record_iri_problem(iri).unwrap_or_default();
            assert!(problem.contains(expected), "{iri}: {problem}");
        }
        let long = format!("https://example.org/powkg/record/{}", "a".repeat(MAX_SEGMENT + 1));
        assert!(record_iri_problem(&long).unwrap_or_default().contains("241 bytes"));
        let longest = format!("https://example.org/powkg/record/{}", "a".repeat(MAX_SEGMENT));
        assert_eq!(record_iri_problem(&longest), None);
    }
}
