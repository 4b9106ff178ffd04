//! The search page: the form and the hits, or on a static site why there is no search.

use maud::{Markup, html};
use oxigraph::model::NamedNode;

use super::chrome::View;
use crate::web::render::failure::Failure;
use crate::web::render::paths;

/// The search page of a static site, which has no server to search with.
pub fn search_unavailable(view: &View<'_>) -> Markup {
    let body = html! {
        h1 { "Search" }
        p { "This copy of the dataset is a static site: it has no server to search with. Search names with "
            code { "powkg search" } " or on a " code { "powkg serve" } " endpoint, or browse the "
            a href=(paths::HOME) { "entities by class" } "." }
    };
    view.layout("Search", None, &body)
}

/// Most hits the search page shows.
pub const SEARCH_HITS: usize = 50;

/// The search page: the form and, when a query was given, its hits (label, class, the matched text with the
/// words marked, the IRI), or why there are none.
pub fn search_page(view: &View<'_>, query: Option<&str>, class: Option<&str>) -> (Markup, Option<Failure>) {
    let r = view.r;
    let asked = query.map(str::trim).filter(|q| !q.is_empty());
    let language = view.languages.first().map(String::as_str);
    let hits = asked.map(|q| r.search(q, class, language, SEARCH_HITS));
    let failure = match &hits {
        Some(Err(f)) => Some(f.clone()),
        _ => None,
    };
    let body = html! {
        h1 { "Search" }
        form.search-page role="search" method="get" action=(paths::SEARCH) {
            label for="search-page-q" { "Names, places, units, sources or quoted words" }
            input #search-page-q type="search" name="q" value=[asked] aria-describedby="search-help";
            label for="search-class" { "Class (optional)" }
            input #search-class name="class" value=[class] placeholder="a class, as the class index names it";
            button type="submit" { "Search" }
            p #search-help.help { "Case, diacritics (ș and ş alike) and punctuation do not matter; a word of five letters or more may have one typo. Every word must match." }
        }
        @if let Some(hits) = &hits {
            section aria-labelledby="hits" aria-live="polite" {
                h2 #hits { "Results" }
                @match hits {
                    Err(failure) => div.error role="alert" { p { (failure.message()) } },
                    Ok(hits) if hits.is_empty() => p { "Nothing matches." },
                    Ok(hits) => {
                        p { (hits.len()) " thing" @if hits.len() != 1 { "s" } " found" @if hits.len() == SEARCH_HITS { " (the best " (SEARCH_HITS) ")" } "." }
                        ol.hits {
                            @for hit in hits {
                                @let iri = NamedNode::new_unchecked(hit.iri.clone());
                                @let class = NamedNode::new_unchecked(hit.class.clone());
                                li {
                                    p.hit { (view.link(&iri)) " " span.detail { "(" (view.link(&class)) ")" } }
                                    p.snippet { @for (piece, marked) in hit.snippet.pieces() { @if marked { mark { (piece) } } @else { (piece) } } }
                                }
                            }
                        }
                    },
                }
            }
        }
    };
    (view.layout("Search", None, &body), failure)
}
