//! The pages of long lists, one page at a time: the links to a thing and the members of a class; and the page of
//! something unknown.

use maud::{DOCTYPE, Markup, html};
use oxigraph::model::NamedNode;

use super::chrome::{View, group_digits, pager};
use crate::web::render::paths;
use crate::web::render::read::paged::{CLASS_PAGE, MENTIONS_PAGE};

/// The page of something unknown.
pub fn not_found(message: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { "Not found — powkg" } link rel="stylesheet" href=(paths::STYLE); link rel="icon" href="data:,"; }
            body { main { h1 { "Not found" } p { (message) } p { a href=(paths::HOME) { "The dataset's home page" } } } }
        }
    }
}

/// One page (from 1) of the links to `iri`: who points at it and with which predicate, in the store's order, read
/// by the caller; with the count of all when known and links to the pages before and after.
pub fn mentions_page(
    view: &View<'_>,
    iri: &NamedNode,
    page: usize,
    links: &[(NamedNode, NamedNode)],
    has_next: bool,
) -> Markup {
    let name = view.name(iri).map_or_else(|| view.short(iri), |l| l.value().to_owned());
    let path = view.r.page_path(iri).unwrap_or_default();
    let first = (page - 1) * MENTIONS_PAGE + 1;
    let body = html! {
        h1 { "Links to " (view.link(iri)) ", page " (page) }
        p { "Links " (group_digits(&first.to_string())) " to " (group_digits(&(first + links.len()).saturating_sub(1).to_string())) ", in the store's order." }
        (pager(page > 1, has_next, &|n| paths::mentions(&path, n), page))
        ul.links { @for (who, how) in links { li { (view.link(who)) " — " (view.link(how)) } } }
        (pager(page > 1, has_next, &|n| paths::mentions(&path, n), page))
    };
    view.layout(&format!("Links to {name}: page {page}"), None, &body)
}

/// One page (from 1) of a class's index: its entities in the store's order, with links to the pages before and
/// after. The members are read by the caller (the server skips to the page; a static site streams them once).
pub fn class_page(view: &View<'_>, class: &NamedNode, page: usize, members: &[NamedNode], has_next: bool) -> Markup {
    let name = view
        .name(class)
        .map_or_else(|| view.short(class), |l| l.value().to_owned());
    let title = format!("{name}: page {page}");
    let first = (page - 1) * CLASS_PAGE + 1;
    let body = html! {
        h1 { (view.link(class)) ", page " (page) }
        p { "Entities " (group_digits(&first.to_string())) " to " (group_digits(&(first + members.len()).saturating_sub(1).to_string())) ", in the store's order." }
        (pager(page > 1, has_next, &|n| paths::class(class, n), page))
        ul.columns { @for m in members { li { (view.link(m)) } } }
        (pager(page > 1, has_next, &|n| paths::class(class, n), page))
    };
    view.layout(&title, None, &body)
}
