//! The paths of the pages, one table for both front doors: the server answers them and a static site is written
//! at them, so that every link works in both. Things minted under the base IRI have their documents at their own
//! path plus an extension (see [`super::DOCUMENTS`]).

use oxigraph::model::NamedNode;
use sha2::{Digest, Sha256};

/// The landing page.
pub const HOME: &str = "/";
/// The stylesheet.
pub const STYLE: &str = "/assets/style.css";
/// The query page's script.
pub const QUERY_JS: &str = "/assets/query.js";
/// The query page (a form on the server; the bundled queries' list on a static site).
pub const QUERY: &str = "/query";
/// The SPARQL endpoint (server only).
pub const SPARQL: &str = "/sparql";
/// The dataset description, negotiated.
pub const VOID: &str = "/void";
/// The whole graph, negotiated.
pub const DUMP: &str = "/dump";
/// The search page.
pub const SEARCH: &str = "/search";
/// The JSON-LD context of the documents: the graph's prefixes.
pub const CONTEXT: &str = "/context.jsonld";

/// A short, stable name for an IRI in a path: 16 hex digits of its SHA-256.
pub fn slug(iri: &NamedNode) -> String {
    crate::rdf::hash::hex(&Sha256::digest(iri.as_str().as_bytes())[..8])
}

/// The page of a term the graph describes outside the base IRI (an ontology class, a Wikidata property).
pub fn describe(iri: &NamedNode) -> String {
    format!("/describe/{}.html", slug(iri))
}

/// Page `page` (from 1) of the links to the thing whose page is at `thing_path` (`/powkg/entity/riverside`).
pub fn mentions(thing_path: &str, page: usize) -> String {
    format!("/mentions{thing_path}/{page}.html")
}

/// Page `page` (from 1) of the entities of `class`.
pub fn class(class: &NamedNode, page: usize) -> String {
    format!("/classes/{}/{page}.html", slug(class))
}

/// The page of the bundled query `name`, with its results.
pub fn example(name: &str) -> String {
    format!("/query/{name}.html")
}

/// A file of the bundled query `name`'s results, in the format whose extension is `extension` (a static site's
/// downloads; the server answers it too).
pub fn example_results(name: &str, extension: &str) -> String {
    format!("/query/{name}.{extension}")
}

/// A path of the table that carries names, read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named<'a> {
    /// [`describe`]: the slug.
    Describe(&'a str),
    /// [`example`] (extension `html`) or [`example_results`].
    Example {
        /// The bundled query's name.
        name: &'a str,
        /// `html`, or a results format's extension.
        extension: &'a str,
    },
    /// [`mentions`]: the thing's path and the page, as written.
    Mentions {
        /// The thing's path (`/powkg/entity/riverside`).
        thing: &'a str,
        /// The page number, as written.
        page: &'a str,
    },
    /// [`class`]: the class's slug and the page, as written.
    Class {
        /// The class's slug.
        slug: &'a str,
        /// The page number, as written.
        page: &'a str,
    },
}

/// Which of the named paths `path` is, if any: the inverse of the functions above.
pub fn named(path: &str) -> Option<Named<'_>> {
    if let Some(slug) = path.strip_prefix("/describe/").and_then(|p| p.strip_suffix(".html")) {
        return Some(Named::Describe(slug));
    }
    if let Some((name, extension)) = path.strip_prefix("/query/").and_then(|p| p.rsplit_once('.')) {
        return Some(Named::Example { name, extension });
    }
    if let Some((thing, page)) = path
        .strip_prefix("/mentions")
        .and_then(|p| p.strip_suffix(".html"))
        .and_then(|p| p.rsplit_once('/'))
    {
        return Some(Named::Mentions { thing, page });
    }
    path.strip_prefix("/classes/")
        .and_then(|p| p.strip_suffix(".html"))
        .and_then(|p| p.split_once('/'))
        .map(|(slug, page)| Named::Class { slug, page })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_paths_read_back_as_they_are_made() {
        let site = NamedNode::new_unchecked("https://example.org/powkg/ontology#Site");
        let made = class(&site, 3);
        let slug = slug(&site);
        assert_eq!(named(&made), Some(Named::Class { slug: &slug, page: "3" }));
        let mentions = mentions("/powkg/entity/riverside", 2);
        assert_eq!(
            named(&mentions),
            Some(Named::Mentions {
                thing: "/powkg/entity/riverside",
                page: "2"
            })
        );
        assert_eq!(named(&describe(&site)), Some(Named::Describe(&slug)));
        let page = example("sites");
        assert_eq!(
            named(&page),
            Some(Named::Example {
                name: "sites",
                extension: "html"
            })
        );
        let csv = example_results("sites", "csv");
        assert_eq!(
            named(&csv),
            Some(Named::Example {
                name: "sites",
                extension: "csv"
            })
        );
        assert_eq!(named("/powkg/entity/riverside"), None);
        assert_eq!(named(HOME), None);
    }
}
