//! The server configurations written beside a static site, which give plain file hosting what `powkg serve` does
//! itself: a thing's IRI answers 303 See Other to the document `Accept` asks for, `/void` and `/dump` answer in the
//! format asked for, each document with its media type, and unknown paths the site's 404 page. Made from the one
//! table of documents and formats, so that they offer what the site holds.
//!
//! nginx matches `Accept` against each media type in the order of the server's preference and takes the first
//! that appears (it does not weigh `q` values); Apache's rules do the same.

use std::fmt::Write as _;

use crate::query::RESULTS_FORMATS;
use crate::rdf::format::ExportFormat;
use crate::web::render::{DOCUMENTS, Document, paths};

/// The media types of a document with the extension its file has, the server's preference first.
fn document_types() -> Vec<(&'static str, &'static str)> {
    let mut types = Vec::new();
    for document in DOCUMENTS {
        match document {
            Document::Html => types.push(("text/html", "html")),
            Document::Rdf(format) => {
                for media_type in format.media_types() {
                    // N-Triples' `text/plain` would catch every browser asking for text.
                    if *media_type != "text/plain" {
                        types.push((media_type, format.extension()));
                    }
                }
            }
        }
    }
    types
}

/// A map of `Accept` to an extension, `default` when no type matches.
fn nginx_map(name: &str, default: &str, types: &[(&str, &str)]) -> String {
    let mut map = format!("map $http_accept ${name} {{\n    default {default};\n");
    for (media_type, extension) in types {
        let pattern = media_type.replace('+', "\\+").replace('.', "\\.");
        let _ = writeln!(map, "    \"~*(^|,)\\s*{pattern}\\s*(;|,|$)\" {extension};");
    }
    map.push_str("}\n");
    map
}

/// nginx: a `map` per negotiated answer and a `server` block, for nginx's `http` block (set `listen`, `server_name`
/// and `root`).
pub fn nginx(base_path: &str) -> String {
    let documents = document_types();
    let void: Vec<(&str, &str)> = documents.clone();
    let dump: Vec<(&str, &str)> = crate::rdf::format::DUMP_FORMATS
        .iter()
        .flat_map(|f| {
            f.media_types()
                .iter()
                .filter(|m| **m != "text/plain")
                .map(move |m| (*m, f.extension()))
        })
        .collect();
    let mut types = String::from(
        "        text/html html;\n        text/css css;\n        text/javascript js;\n        application/xml xml;\n",
    );
    for info in ExportFormat::TABLE {
        let _ = writeln!(types, "        {} {};", info.media_types[0], info.format.extension());
    }
    for info in RESULTS_FORMATS {
        let _ = writeln!(types, "        {} {};", info.media_types[0], info.extension);
    }
    format!(
        "# powkg site: content negotiation and the 303 pattern on nginx. Include this file in nginx's `http` block;\n\
         # set `listen`, `server_name` and `root` (the site's directory) for your host.\n\
         {documents_map}{void_map}{dump_map}\
         server {{\n\
         \x20   listen 127.0.0.1:8080;\n\
         \x20   root /srv/powkg-site;\n\
         \x20   types {{\n{types}    }}\n\
         \x20   error_page 404 /404.html;\n\
         \x20   absolute_redirect off;\n\
         \x20   location = {void} {{\n\
         \x20       add_header Vary Accept always;\n\
         \x20       if ($powkg_void = html) {{ return 303 {dataset}; }}\n\
         \x20       rewrite ^ {void}.$powkg_void last;\n\
         \x20   }}\n\
         \x20   location = {dump} {{\n\
         \x20       add_header Vary Accept always;\n\
         \x20       rewrite ^ {dump}.$powkg_dump last;\n\
         \x20   }}\n\
         \x20   location ^~ /{record}/ {{ return 404; }}\n\
         \x20   location = {query} {{ rewrite ^ {query}/index.html last; }}\n\
         \x20   location = {search} {{ rewrite ^ {search}.html last; }}\n\
         \x20   location ^~ {base} {{\n\
         \x20       location ~ {feed} {{ default_type application/n-quads; try_files $uri.nq =404; }}\n\
         \x20       location ~ \\.[a-z]+$ {{ try_files $uri =404; }}\n\
         \x20       if (-f $request_filename.$powkg_document) {{\n\
         \x20           add_header Vary Accept always;\n\
         \x20           return 303 $uri.$powkg_document$is_args$args;\n\
         \x20       }}\n\
         \x20       return 404;\n\
         \x20   }}\n\
         }}\n",
        documents_map = nginx_map("powkg_document", "html", &documents),
        void_map = nginx_map("powkg_void", "ttl", &void_order(&void)),
        dump_map = nginx_map("powkg_dump", "ttl", &dump),
        dataset = nginx_string(&nginx_url(&format!("{base_path}dataset.html"))),
        base = nginx_string(base_path),
        feed = nginx_string(&format!("^{}feed(/root|/page/[0-9]+)?$", regex_literal(base_path))),
        void = paths::VOID,
        dump = paths::DUMP,
        query = paths::QUERY,
        search = paths::SEARCH,
        record = super::target::RECORD,
    )
}

/// `text` as one token of nginx's configuration: in double quotes, with `"` and `\` escaped, so that what nginx's
/// syntax gives a meaning (`;`, `{`, `}`, `#`, quotes) stays part of the path, whatever the base IRI holds.
fn nginx_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A path for nginx's `return`, which reads `$` as the start of a variable: every character but the unreserved ones,
/// `/`, `%` and the sub-delimiters other than `$` percent-encoded (a client reads the same address).
fn nginx_url(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/%!&'()*+,;=:@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// `text` matched literally in an Apache regular expression.
fn regex_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if ".^$*+?()[]{}|\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` in the substitution of an Apache `RewriteRule`, where `$` and `%` start back-references.
fn rewrite_literal(text: &str) -> String {
    text.replace('\\', "\\\\").replace('$', "\\$").replace('%', "\\%")
}

/// `/void`'s order: the RDF formats first (Turtle is its default), HTML after Turtle, as the server offers them.
fn void_order<'a>(documents: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut order: Vec<(&str, &str)> = documents.iter().filter(|(_, e)| *e != "html").copied().collect();
    order.insert(1.min(order.len()), ("text/html", "html"));
    order
}

/// Apache: `.htaccess` rules (`mod_rewrite`, `mod_mime`) for the site's directory.
pub fn htaccess(base_path: &str) -> String {
    let mut out = String::from(
        "# powkg site: content negotiation and the 303 pattern on Apache (mod_rewrite, mod_mime, mod_headers).\n\
         Options -MultiViews\nErrorDocument 404 /404.html\nAddCharset utf-8 .html .ttl .nt .nq .trig .jsonld .csv .tsv\n",
    );
    for info in ExportFormat::TABLE {
        let _ = writeln!(out, "AddType {} .{}", info.media_types[0], info.format.extension());
    }
    for info in RESULTS_FORMATS {
        let _ = writeln!(out, "AddType {} .{}", info.media_types[0], info.extension);
    }
    out.push_str("RewriteEngine On\n");
    // What a later run needs to update the site is not served.
    let _ = writeln!(
        out,
        "RewriteRule ^{}(/|$) - [R=404,L]",
        regex_literal(super::target::RECORD)
    );
    let _ = writeln!(out, "RewriteRule ^query$ {}/index.html [L]", paths::QUERY);
    let _ = writeln!(out, "RewriteRule ^search$ {}.html [L]", paths::SEARCH);
    let base = base_path.trim_start_matches('/');
    let (base, base_target) = (regex_literal(base), rewrite_literal(base));
    // The change feed's documents are served as they are, at their IRIs (an LDES client takes a page's address as
    // its IRI).
    let _ = writeln!(
        out,
        "RewriteRule ^{base}feed(/root|/page/[0-9]+)?$ /{base_target}feed$1.nq [L,T=application/n-quads]"
    );
    for (media_type, extension) in document_types() {
        let _ = writeln!(
            out,
            "RewriteCond %{{HTTP_ACCEPT}} \"(^|,)\\s*{}\\s*(;|,|$)\" [NC]\nRewriteCond %{{REQUEST_FILENAME}} !-f\n\
             RewriteCond %{{REQUEST_FILENAME}}.{extension} -f\nRewriteRule ^{base}(.+)$ /{base_target}$1.{extension} [R=303,L]",
            media_type.replace('+', "\\+").replace('.', "\\.")
        );
    }
    let _ = writeln!(
        out,
        "RewriteCond %{{REQUEST_FILENAME}} !-f\nRewriteCond %{{REQUEST_FILENAME}}.html -f\nRewriteRule ^{base}(.+)$ /{base_target}$1.html [R=303,L]"
    );
    for (media_type, extension) in void_order(&document_types()) {
        let target = if extension == "html" {
            format!("{}dataset.html [R=303,L]", rewrite_literal(base_path))
        } else {
            format!("{}.{extension} [L]", paths::VOID)
        };
        let _ = writeln!(
            out,
            "RewriteCond %{{HTTP_ACCEPT}} \"(^|,)\\s*{}\\s*(;|,|$)\" [NC]\nRewriteRule ^void$ {target}",
            media_type.replace('+', "\\+").replace('.', "\\.")
        );
    }
    let _ = writeln!(out, "RewriteRule ^void$ {}.ttl [L]", paths::VOID);
    let _ = writeln!(out, "RewriteRule ^dump$ {}.ttl [L]", paths::DUMP);
    out.push_str("<IfModule mod_headers.c>\n  Header merge Vary Accept\n</IfModule>\n");
    out
}
