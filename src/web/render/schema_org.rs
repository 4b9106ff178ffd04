//! schema.org JSON-LD for search engines and harvesters, embedded in the pages as a `<script
//! type="application/ld+json">` data block (never run; the pages' Content-Security-Policy allows no inline script):
//! the landing page's `Dataset` (name, description, licence, the articles it is based on, each dump as a
//! `DataDownload`) and each entity's `Thing` (name, description, Wikidata as `sameAs`, its page and documents).
//! Addresses are under the base IRI's origin, where the dataset is published.

use maud::{Markup, PreEscaped, html};
use oxigraph::model::{Literal, NamedNode};
use serde_json::{Value, json};

use super::{Renderer, paths};

/// `value` as a data block, written by [`script_json`].
pub(super) fn block(value: &Value) -> Markup {
    html! { script type="application/ld+json" { (PreEscaped(script_json(value))) } }
}

/// `value` as JSON that can sit inside a `<script>` element: every `<`, `>` and `&` is written as its JSON escape
/// (`\u003c`, `\u003e`, `\u0026`). HTML ends a script element at `</script`, and after `<!--` it enters a state in
/// which `<script` makes the next `</script>` stay inside the element, so a text holding `<!--<script>` would
/// swallow the rest of the page into the element. Outside strings JSON has none of these characters, and inside
/// them the escape reads back as the same character, so the value is unchanged for any JSON reader. Every JSON
/// written into a `<script>` element goes through this function.
pub(super) fn script_json(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            _ => out.push(c),
        }
    }
    out
}

fn texts(literals: &[Literal]) -> Vec<Value> {
    literals
        .iter()
        .map(|l| match l.language() {
            Some(language) => json!({ "@value": l.value(), "@language": language }),
            None => Value::String(l.value().to_owned()),
        })
        .collect()
}

/// The landing page's `Dataset`.
pub(super) fn dataset(r: &Renderer, sources: &[NamedNode]) -> Value {
    let d = &r.dataset;
    let origin = r.base_origin();
    let distribution: Vec<Value> = crate::rdf::format::DUMP_FORMATS
        .iter()
        .map(|f| {
            json!({
                "@type": "DataDownload",
                "name": format!("The whole graph in {}", f.info().title),
                "encodingFormat": f.media_type(),
                "contentUrl": format!("{origin}{}.{}", paths::DUMP, f.extension()),
            })
        })
        .collect();
    let mut value = json!({
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": d.dataset.as_str(),
        "url": format!("{origin}{}", paths::HOME),
        "name": texts(&d.titles),
        "description": texts(&d.descriptions),
        "isBasedOn": sources.iter().map(NamedNode::as_str).collect::<Vec<_>>(),
        "distribution": distribution,
        "inLanguage": d.languages(),
    });
    if let Some(licence) = &d.licence {
        value["license"] = Value::String(licence.as_str().to_owned());
    }
    if let Some(created) = &d.created {
        value["dateCreated"] = Value::String(created.clone());
    }
    if let Some(rights) = d.rights.first() {
        value["creditText"] = Value::String(rights.value().to_owned());
    }
    value
}

/// An entity's `Thing`.
pub(super) fn thing(
    r: &Renderer,
    iri: &NamedNode,
    names: &[Literal],
    descriptions: &[Literal],
    types: &[&NamedNode],
    same_as: &[&NamedNode],
) -> Value {
    let page = format!("{}.html", iri.as_str());
    let mut value = json!({
        "@context": "https://schema.org/",
        "@type": "Thing",
        "@id": iri.as_str(),
        "url": page,
        "name": texts(names),
        "additionalType": types.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        "sameAs": same_as.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        "subjectOf": super::DOCUMENTS
            .iter()
            .map(|d| json!({ "@type": "CreativeWork", "encodingFormat": d.media_type(), "url": format!("{}.{}", iri.as_str(), d.extension()) }))
            .collect::<Vec<_>>(),
    });
    if !descriptions.is_empty() {
        value["description"] = Value::Array(texts(descriptions));
    }
    if r.dataset.licence.is_some() {
        value["isPartOf"] = json!({ "@id": r.dataset.dataset.as_str() });
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_text_can_end_or_reopen_the_data_block_and_the_json_reads_back_the_same() {
        let value = json!({ "name": "a <!--<script> b </script> c -->& <\\/script>", "n": 1 });
        let markup = block(&value).into_string();
        let body = markup
            .strip_prefix(r#"<script type="application/ld+json">"#)
            .and_then(|m| m.strip_suffix("</script>"))
            .unwrap_or_else(|| panic!("one script element: {markup}"));
        assert!(!body.contains(['<', '>', '&']), "{body}");
        assert_eq!(serde_json::from_str::<Value>(body).unwrap(), value);
    }
}
