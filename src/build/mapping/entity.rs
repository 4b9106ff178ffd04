//! Entities: type, labels, descriptions, aliases and the Wikidata link, as Wikidata writes them.

use oxigraph::model::NamedNode;

use super::writer::{Writer, text};
use crate::build::model::Entity;
use crate::rdf::iri::Minter;
use crate::rdf::vocab::{owl, pk, rdf, rdfs, schema, skos, wd, wikibase};

pub(super) fn map(entity: &Entity, minter: &Minter, out: &mut Writer) {
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
}
