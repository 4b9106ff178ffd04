//! Sources: bibliographic description (Dublin Core, schema.org) and the footnotes that cite each work.

use oxigraph::model::{Literal, NamedNode};

use super::names::{Names, WORDS};
use super::writer::{Writer, date, integer, text};
use crate::build::model::Source;
use crate::rdf::iri::Minter;
use crate::rdf::vocab::{dcterms, pk, rdf, rdfs, schema, skos, xsd};

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
