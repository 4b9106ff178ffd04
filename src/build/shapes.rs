//! The SHACL shapes a build is validated against: powkg's core shapes (built in), the shapes derived from the
//! project (its languages, the statement families of its declared properties, its own terms), and the project's
//! own extra shapes (`ontology/*.shapes.ttl`). Nothing here is kept by hand in step with the ontology: the lists
//! that SHACL Core needs spelled out (it has no wildcard predicate) are written from the schema of each build.

use std::fmt::Write as _;

use oxigraph::model::NamedNode;

use crate::build::ontology::{Ontology, ValueKind};
use crate::files::input::{InputFile, InputSet};

/// The path printed for the core shapes.
pub const CORE_PATH: &str = "(built in) core/shapes.ttl";
/// The path printed for the derived shapes.
pub const DERIVED_PATH: &str = "(derived from the project) shapes.ttl";

/// powkg's core shapes: what every graph looks like, whatever its topic.
pub const CORE: &str = include_str!("core/shapes.ttl");

/// Whether a file of an ontology directory holds SHACL shapes (`shapes.ttl`, `NAME.shapes.ttl`) rather than terms.
pub fn is_shapes_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "shapes.ttl" || name.ends_with(".shapes.ttl")
}

/// The whole set: core, derived, then the project's own `extra` shapes.
pub fn all(ontology: &Ontology, languages: &[String], extra: &InputSet) -> InputSet {
    let mut files = vec![
        InputFile {
            path: CORE_PATH.to_owned(),
            text: CORE.to_owned(),
        },
        InputFile {
            path: DERIVED_PATH.to_owned(),
            text: derive(ontology, languages),
        },
    ];
    files.extend(extra.files.iter().cloned());
    InputSet { files }
}

/// The shapes derived from the project, as Turtle (relative `pk:` IRIs, resolved against the build's base).
pub fn derive(ontology: &Ontology, languages: &[String]) -> String {
    let mut t = String::from(
        "# Derived by powkg from the project: its languages (powkg.toml), its own terms and the statement families of\n\
         # every property its ontology declares. Not to be edited: it is written again for every build.\n\n\
         @prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n\
         @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\
         @prefix sh:   <http://www.w3.org/ns/shacl#> .\n\
         @prefix schema: <http://schema.org/> .\n\
         @prefix dcterms: <http://purl.org/dc/terms/> .\n\
         @prefix wikibase: <http://wikiba.se/ontology#> .\n\
         @prefix pksh: <shapes#> .\n\n",
    );
    for lang in languages {
        language_shapes(&mut t, lang);
    }
    if !ontology.domain_terms.is_empty() {
        t.push_str(
            "pksh:ProjectTerm-absent a sh:PropertyShape ;\n    rdfs:label \"a term the graph does not declare\"@en, \"un termine che il grafo non dichiara\"@it ;\n    sh:message \"The term has no type in the graph.\"@en, \"Il termine non ha un tipo nel grafo.\"@it ;\n    sh:path rdf:type ;\n    sh:maxCount 0 .\n\n",
        );
        let targets: Vec<String> = ontology
            .domain_terms
            .iter()
            .map(|n| format!("<{}>", n.as_str()))
            .collect();
        for lang in languages {
            term_shapes(&mut t, lang, &targets);
        }
    }
    family_shapes(&mut t, ontology);
    t
}

/// The shapes that require a text in `lang`: an entity's label, the dataset's title, the project's terms' labels
/// and comments.
fn language_shapes(t: &mut String, lang: &str) {
    let _ = writeln!(
        t,
        "pksh:Text-{lang} a sh:NodeShape ;\n    rdfs:label \"text in {lang}\"@en, \"testo in {lang}\"@it ;\n    sh:message \"The value is not tagged as {lang}.\"@en, \"Il valore non è marcato come {lang}.\"@it ;\n    sh:languageIn ( \"{lang}\" ) .\n"
    );
    let required = [
        (
            "ItemShape",
            "Item-label",
            "rdfs:label",
            format!(
                "An entity has a label in {lang} (rdfs:label): add `{lang} = \\\"…\\\"` to the `label` of its record."
            ),
            format!(
                "Un'entità ha un'etichetta in {lang} (rdfs:label): aggiungere `{lang} = \\\"…\\\"` al `label` della sua scheda."
            ),
        ),
        (
            "DatasetShape",
            "Dataset-title",
            "dcterms:title",
            format!(
                "The dataset has a title in {lang} (dcterms:title): add `{lang} = \\\"…\\\"` to the `title` of [dataset]."
            ),
            format!(
                "Il dataset ha un titolo in {lang} (dcterms:title): aggiungere `{lang} = \\\"…\\\"` al `title` di [dataset]."
            ),
        ),
    ];
    for (node, shape, path, en, it) in required {
        let _ = writeln!(
            t,
            "pksh:{shape}-{lang} a sh:PropertyShape ;\n    rdfs:label \"{path} in {lang}\"@en, \"{path} in {lang}\"@it ;\n    sh:message \"{en}\"@en, \"{it}\"@it ;\n    sh:path {path} ;\n    sh:qualifiedValueShape pksh:Text-{lang} ;\n    sh:qualifiedMinCount 1 .\n\npksh:{node} sh:property pksh:{shape}-{lang} .\n"
        );
    }
}

/// The shapes that require a label and a description in `lang` of each of the project's own terms (`targets`). A
/// target is checked only where the graph declares it (has a type for it), so that validating another graph
/// (`powkg validate --rdf`) against the project's shapes does not fault terms it does not hold.
fn term_shapes(t: &mut String, lang: &str, targets: &[String]) {
    let _ = writeln!(
        t,
        "pksh:ProjectTerm-{lang} a sh:NodeShape ;\n    rdfs:label \"the project's terms in {lang}\"@en, \"i termini del progetto in {lang}\"@it ;\n    sh:message \"A class or property of the project has a label (rdfs:label) and a description (rdfs:comment) in {lang}: add `{lang} = \\\"…\\\"` to its `label` and `description`.\"@en,\n        \"Una classe o proprietà del progetto ha un'etichetta (rdfs:label) e una descrizione (rdfs:comment) in {lang}: aggiungere `{lang} = \\\"…\\\"` al suo `label` e alla sua `description`.\"@it ;\n    sh:targetNode {} ;\n    sh:or ( pksh:ProjectTerm-absent pksh:ProjectTerm-described-{lang} ) .\n",
        targets.join(",\n        ")
    );
    let _ = writeln!(
        t,
        "pksh:ProjectTerm-described-{lang} a sh:NodeShape ;\n    rdfs:label \"a term described in {lang}\"@en, \"un termine descritto in {lang}\"@it ;\n    sh:message \"The term has a label and a description in {lang}.\"@en, \"Il termine ha un'etichetta e una descrizione in {lang}.\"@it ;\n    sh:property pksh:ProjectTerm-label-{lang}, pksh:ProjectTerm-comment-{lang} .\n"
    );
    for (what, path) in [("label", "rdfs:label"), ("comment", "rdfs:comment")] {
        let _ = writeln!(
            t,
            "pksh:ProjectTerm-{what}-{lang} a sh:PropertyShape ;\n    rdfs:label \"{path} in {lang}\"@en, \"{path} in {lang}\"@it ;\n    sh:message \"The term has a {path} in {lang}.\"@en, \"Il termine ha un {path} in {lang}.\"@it ;\n    sh:path {path} ;\n    sh:qualifiedValueShape pksh:Text-{lang} ;\n    sh:qualifiedMinCount 1 .\n"
        );
    }
}

/// The shapes over every property's statement families: each statement hangs from exactly one claim link and has
/// exactly one main value; the value nodes of Time and Quantity properties are typed as such.
fn family_shapes(t: &mut String, ontology: &Ontology) {
    let properties = ontology.schema.properties.values();
    let claims: Vec<&NamedNode> = properties.clone().map(|p| &p.claim).collect();
    let mains: Vec<&NamedNode> = properties.clone().map(|p| &p.statement).collect();
    let value_nodes = |kind: ValueKind| -> Vec<&NamedNode> {
        let of_kind = properties.clone().filter(move |p| p.kind == kind);
        of_kind
            .clone()
            .filter_map(|p| p.statement_value.as_ref())
            .chain(of_kind.filter_map(|p| p.qualifier_value.as_ref()))
            .collect()
    };
    let shapes = [
        (
            "Statement-subject",
            "statement subject",
            "soggetto di un'affermazione",
            "A statement is the object of exactly one claim link (p:P… or pkp:…) from its subject.",
            "Un'affermazione è l'oggetto di esattamente un collegamento di tipo claim (p:P… o pkp:…) dal suo soggetto.",
            format!("[ sh:inversePath {} ]", path(&claims)),
            "sh:minCount 1 ;\n    sh:maxCount 1",
        ),
        (
            "Statement-mainValue",
            "statement main value",
            "valore principale di un'affermazione",
            "A statement has exactly one main value (ps:P… or pkps:…).",
            "Un'affermazione ha esattamente un valore principale (ps:P… o pkps:…).",
            path(&mains),
            "sh:minCount 1 ;\n    sh:maxCount 1",
        ),
        (
            "Statement-timeValueNode",
            "statement time value nodes",
            "nodi di valore temporale di un'affermazione",
            "The value node of a Time property (psv:/pqv:, pkpsv:/pkpqv:) is a wikibase:TimeValue.",
            "Il nodo di valore di una proprietà di tipo Time (psv:/pqv:, pkpsv:/pkpqv:) è un wikibase:TimeValue.",
            path(&value_nodes(ValueKind::Time)),
            "sh:class wikibase:TimeValue",
        ),
        (
            "Statement-quantityValueNode",
            "statement quantity value nodes",
            "nodi di valore di quantità di un'affermazione",
            "The value node of a Quantity property (psv:/pqv:, pkpsv:/pkpqv:) is a wikibase:QuantityValue.",
            "Il nodo di valore di una proprietà di tipo Quantity (psv:/pqv:, pkpsv:/pkpqv:) è un wikibase:QuantityValue.",
            path(&value_nodes(ValueKind::Quantity)),
            "sh:class wikibase:QuantityValue",
        ),
    ];
    for (shape, label, it_label, en, it, path, constraint) in shapes {
        if path.is_empty() || path == "[ sh:inversePath  ]" {
            continue;
        }
        let _ = writeln!(
            t,
            "pksh:{shape} a sh:PropertyShape ;\n    rdfs:label \"{label}\"@en, \"{it_label}\"@it ;\n    sh:message \"{en}\"@en, \"{it}\"@it ;\n    sh:path {path} ;\n    {constraint} .\n\npksh:StatementShape sh:property pksh:{shape} .\n"
        );
    }
}

/// A SHACL path over `predicates`: the one predicate, or their alternative path (which needs two at least); empty
/// when there is none.
fn path(predicates: &[&NamedNode]) -> String {
    let mut sorted: Vec<&str> = predicates.iter().map(|p| p.as_str()).collect();
    sorted.sort_unstable();
    sorted.dedup();
    match sorted.as_slice() {
        [] => String::new(),
        [one] => format!("<{one}>"),
        all => {
            let items: Vec<String> = all.iter().map(|p| format!("<{p}>")).collect();
            format!("[ sh:alternativePath (\n        {}\n    ) ]", items.join("\n        "))
        }
    }
}
