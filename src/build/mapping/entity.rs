//! Entities: type, labels, descriptions, aliases, the Wikidata link and the counts of statements, identifiers and
//! sitelinks, as Wikidata writes them.

use oxigraph::model::NamedNode;

use super::writer::{Writer, integer, text};
use crate::build::model::Entity;
use crate::rdf::iri::Minter;
use crate::rdf::vocab::{owl, pk, rdf, rdfs, schema, skos, wd, wikibase};

/// How many statements, identifiers and sitelinks an entity has, as Wikibase counts them on each item.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counts {
    /// Its statements (`wikibase:statements`).
    pub statements: usize,
    /// Its statements whose property is an external identifier (`wikibase:identifiers`).
    pub identifiers: usize,
    /// The articles of Wikimedia projects about it (`wikibase:sitelinks`).
    pub sitelinks: usize,
}

pub(super) fn map(entity: &Entity, counts: Counts, minter: &Minter, out: &mut Writer) {
    let s = minter.entity(&entity.id);
    out.add(&s, rdf::TYPE, wikibase::ITEM);
    out.add(&s, rdf::TYPE, minter.own(pk::PATH, &entity.class));
    for (lang, label) in &entity.labels {
        out.add(&s, rdfs::LABEL, text(label, lang));
    }
    for (lang, description) in &entity.descriptions {
        out.add(&s, schema::DESCRIPTION, text(description, lang));
    }
    for (lang, aliases) in &entity.aliases {
        for alias in aliases {
            out.add(&s, skos::ALT_LABEL, text(alias, lang));
        }
    }
    if let Some(q) = &entity.wikidata {
        out.add(&s, owl::SAME_AS, NamedNode::new_unchecked(format!("{}{q}", wd::NS)));
    }
    if let Some(note) = &entity.note {
        out.add(&s, skos::EDITORIAL_NOTE, text(note, "en"));
    }
    out.add(&s, wikibase::STATEMENTS, integer(counts.statements));
    out.add(&s, wikibase::IDENTIFIERS, integer(counts.identifiers));
    out.add(&s, wikibase::SITELINKS, integer(counts.sitelinks));
}
