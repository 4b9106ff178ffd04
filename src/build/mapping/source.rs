//! Sources: bibliographic description (Dublin Core, schema.org) and the footnotes that cite each work.

use oxigraph::model::{Literal, NamedNode};

use super::names::{Names, WORDS, is_wikimedia_article};
use super::writer::{Writer, date, integer, text, time};
use crate::build::model::Source;
use crate::rdf::iri::Minter;
use crate::rdf::vocab::{dcterms, pk, rdf, rdfs, schema, skos, wdt, xsd};

pub(super) fn map(source: &Source, names: &Names<'_>, minter: &Minter, out: &mut Writer) {
    let s = minter.source(&source.id);
    out.add(&s, rdf::TYPE, out.term(pk::SOURCE));
    out.add(&s, rdf::TYPE, minter.own(pk::PATH, &source.kind));
    out.add(&s, dcterms::TITLE, text(&source.title, &source.title_language));
    out.add(&s, rdfs::LABEL, text(&source.title, &source.title_language));
    for (lang, title) in &source.translated_titles {
        out.add(&s, out.term(pk::TRANSLATED_TITLE), text(title, lang));
        out.add(&s, rdfs::LABEL, text(title, lang));
    }
    for author in &source.authors {
        out.add(&s, schema::AUTHOR, Literal::new_simple_literal(author));
    }
    if let Some(publisher) = &source.publisher {
        out.add(&s, schema::PUBLISHER, minter.entity(publisher));
    }
    if let Some(place) = &source.place {
        out.add(&s, schema::LOCATION_CREATED, Literal::new_simple_literal(place));
    }
    if let Some(d) = source.published {
        out.add(&s, schema::DATE_PUBLISHED, date(d));
    }
    if let Some(d) = source.retrieved {
        out.add(&s, out.term(pk::RETRIEVED), date(d));
    }
    if let Some(isbn) = &source.isbn10 {
        out.add(&s, schema::ISBN, Literal::new_simple_literal(isbn));
    }
    if let Some(pages) = &source.pages {
        out.add(&s, schema::PAGINATION, Literal::new_simple_literal(pages));
    }
    for lang in &source.languages {
        out.add(&s, dcterms::LANGUAGE, Literal::new_typed_literal(lang, xsd::LANGUAGE));
    }
    if let Some(url) = &source.url {
        out.add(&s, schema::URL, NamedNode::new_unchecked(url));
    }
    if let Some(licence) = &source.licence {
        out.add(&s, dcterms::LICENSE, NamedNode::new_unchecked(licence));
    }
    if let Some(seed) = &source.seed {
        out.add(&s, out.term(pk::SEED_FILE), Literal::new_simple_literal(seed));
    }
    if let Some(note) = &source.note {
        out.add(&s, skos::EDITORIAL_NOTE, text(note, "en"));
    }
    work_properties(source, &s, minter, out);
    sitelinks(source, &s, minter, out);
    for (citing, footnote) in &source.cited_in {
        let c = minter.citation(&source.id, citing, *footnote);
        out.add(&c, rdf::TYPE, out.term(pk::CITATION));
        out.add(&c, out.term(pk::CITING_SOURCE), minter.source(citing));
        out.add(&c, out.term(pk::FOOTNOTE), integer(*footnote as usize));
        out.add(&c, out.term(pk::CITED_WORK), s.clone());
        // "Railway Gazette, footnote 1: A History of the Line"
        for (lang, word, _) in WORDS {
            let label = format!(
                "{}, {word} {footnote}: {}",
                names.publication(citing, lang),
                source.title
            );
            out.add(&c, rdfs::LABEL, text(&label, lang));
        }
    }
}

/// Wikidata's work properties, as truthy triples, where the record gives the fact: the title (not a devised one),
/// the author name strings, the publication date (at the start of its period, as Wikidata's `wdt:` gives a time),
/// the publisher (for a news article, the periodical it was published in) and the ISBN-10. The place of
/// publication and the languages are strings and tags here, where Wikidata's P291 and P407 take items; the pages a
/// footnote gives are the cited pages, written on the reference (`pr:P304`), not the work's.
fn work_properties(source: &Source, s: &NamedNode, minter: &Minter, out: &mut Writer) {
    if !source.devised_title {
        out.add(s, wdt::TITLE, text(&source.title, &source.title_language));
    }
    for author in &source.authors {
        out.add(s, wdt::AUTHOR_NAME, Literal::new_simple_literal(author));
    }
    if let Some(d) = source.published {
        out.add(s, wdt::PUBLICATION_DATE, time(d));
    }
    if let Some(publisher) = &source.publisher {
        let property = if source.kind == NEWS_ARTICLE {
            wdt::PUBLISHED_IN
        } else {
            wdt::PUBLISHER
        };
        out.add(s, property, minter.entity(publisher));
    }
    if let Some(isbn) = &source.isbn10 {
        out.add(s, wdt::ISBN_10, Literal::new_simple_literal(isbn));
    }
}

/// The kind of source whose publisher is the periodical it appeared in.
const NEWS_ARTICLE: &str = "NewsArticle";

/// What the work is about (`schema:about`), and for an article of a Wikimedia project its sitelinks as Wikibase
/// writes them: `a schema:Article`, `schema:isPartOf` the project site's root, `schema:inLanguage` and
/// `schema:name` (its title, unless devised). The article is named by the source's IRI (an article may have no
/// address of its own).
fn sitelinks(source: &Source, s: &NamedNode, minter: &Minter, out: &mut Writer) {
    for about in &source.about {
        out.add(s, schema::ABOUT, minter.entity(about));
    }
    if !is_wikimedia_article(source) || source.about.is_empty() {
        return;
    }
    out.add(s, rdf::TYPE, schema::ARTICLE);
    if let Some(site) = site_of(source) {
        out.add(s, schema::IS_PART_OF, NamedNode::new_unchecked(site));
    }
    if let Some(language) = source.languages.first() {
        out.add(s, schema::IN_LANGUAGE, Literal::new_simple_literal(language));
        if !source.devised_title {
            out.add(s, schema::NAME, text(&source.title, language));
        }
    }
}

/// The root address of the Wikimedia project site an article is part of: given, or the scheme and host of its url.
pub(super) fn site_of(source: &Source) -> Option<String> {
    if let Some(site) = &source.site {
        return Some(site.clone());
    }
    let url = source.url.as_deref()?;
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}/"))
}
