//! `powkg new DIR`: scaffolds a project that builds and validates as written, each file commented with what goes
//! in it: `powkg.toml`, `data/` (the dataset, two sources, one entity, two claims that disagree), `ontology/` (one
//! class, one property), `queries/` (one query with its expected results) and an empty `registers/`. The texts in a
//! language other than English are the English ones marked for translation: powkg has no text of its own in them.

use std::fmt::Write as _;
use std::path::Path;

use powkg::build::project::{self, is_language_tag};
use powkg::files::output::write_atomically;
use powkg::rdf::iri::Minter;

use crate::cli::NewArgs;
use crate::commands::{Error, Status, output_error};

pub fn run(args: &NewArgs) -> Result<Status, Error> {
    let languages = languages(&args.languages)?;
    Minter::new(&args.base_iri)?;
    let dir = &args.dir;
    if dir.exists() && (!dir.is_dir() || std::fs::read_dir(dir).map_err(output_error(dir))?.next().is_some()) {
        return Err(Error::Usage(format!(
            "{}: already exists and is not an empty directory; powkg new creates a project only where nothing is",
            dir.display()
        )));
    }
    let title = args.title.clone().unwrap_or_else(|| {
        dir.file_name()
            .map_or_else(|| "My graph".to_owned(), |n| n.to_string_lossy().into_owned())
    });
    let files = files(&title, &args.base_iri, &languages);
    for sub in ["data", "ontology", "queries", "registers"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(output_error(&dir.join(sub)))?;
    }
    for (name, text) in &files {
        let path = dir.join(name);
        write_atomically(&path, |w| w.write_all(text.as_bytes())).map_err(output_error(&path))?;
    }
    println!(
        "created the project {} ({} files); next:\n  cd {}\n  powkg build\n  powkg validate\n  powkg query example-figures",
        dir.display(),
        files.len(),
        shell_word(dir)
    );
    Ok(Status::Success)
}

fn languages(given: &[String]) -> Result<Vec<String>, Error> {
    let mut seen: Vec<String> = Vec::new();
    for tag in given.iter().map(|t| t.trim()) {
        if !is_language_tag(tag) {
            return Err(Error::Usage(format!(
                "--languages: `{tag}` is not a language tag; expected tags such as en,fr,pt-BR"
            )));
        }
        if !seen.iter().any(|s| s.eq_ignore_ascii_case(tag)) {
            seen.push(tag.to_ascii_lowercase());
        }
    }
    if seen.is_empty() {
        return Err(Error::Usage(
            "--languages: name at least one language tag, such as en".to_owned(),
        ));
    }
    Ok(seen)
}

fn shell_word(path: &Path) -> String {
    let s = path.display().to_string();
    if s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b)) {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `{ en = "text", fr = "text (fr: translate)" }`: the English text in every language, marked where it stands in
/// for a translation.
fn lang_map(languages: &[String], text: &str) -> String {
    let parts: Vec<String> = languages
        .iter()
        .map(|l| {
            if l == "en" {
                format!("{l} = {}", toml_string(text))
            } else {
                format!("{} = {}", toml_key(l), toml_string(&format!("{text} ({l}: translate)")))
            }
        })
        .collect();
    format!("{{ {} }}", parts.join(", "))
}

fn toml_key(key: &str) -> String {
    if key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        key.to_owned()
    } else {
        toml_string(key)
    }
}

fn toml_string(text: &str) -> String {
    let mut s = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(s, "\\u{:04X}", u32::from(c));
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// The scaffold's files (`scaffold/`): (path relative to the project, template).
const TEMPLATES: [(&str, &str); 9] = [
    (project::FILE, include_str!("scaffold/powkg.toml")),
    ("ontology/domain.toml", include_str!("scaffold/ontology/domain.toml")),
    ("data/dataset.toml", include_str!("scaffold/data/dataset.toml")),
    ("data/sources.toml", include_str!("scaffold/data/sources.toml")),
    ("data/entities.toml", include_str!("scaffold/data/entities.toml")),
    ("data/claims.toml", include_str!("scaffold/data/claims.toml")),
    (
        "queries/example-figures.rq",
        include_str!("scaffold/queries/example-figures.rq"),
    ),
    (
        "queries/example-figures.expected.tsv",
        include_str!("scaffold/queries/example-figures.expected.tsv"),
    ),
    ("registers/README.md", include_str!("scaffold/registers/README.md")),
];

/// Every file of the scaffold, its templates filled in: `{{base_iri}}` (a TOML string), `{{base_iri_raw}}`,
/// `{{languages}}`, `{{title}}` (a text in every language), `{{created}}` and `{{lang:TEXT}}` (TEXT in every
/// language).
fn files(title: &str, base_iri: &str, languages: &[String]) -> Vec<(&'static str, String)> {
    let base = if base_iri.ends_with('/') {
        base_iri.to_owned()
    } else {
        format!("{base_iri}/")
    };
    let quoted: Vec<String> = languages.iter().map(|l| toml_string(l)).collect();
    TEMPLATES
        .iter()
        .map(|(path, template)| {
            let mut text = template
                .replace("{{base_iri}}", &toml_string(base_iri))
                .replace("{{base_iri_raw}}", &base)
                .replace("{{languages}}", &quoted.join(", "))
                .replace("{{title}}", &lang_map(languages, title))
                .replace("{{created}}", &today());
            while let Some(start) = text.find("{{lang:") {
                let Some(len) = text[start..].find("}}") else {
                    break;
                };
                let words = text[start + "{{lang:".len()..start + len].to_owned();
                text.replace_range(start..start + len + 2, &lang_map(languages, &words));
            }
            (*path, text)
        })
        .collect()
}

/// Today's date (UTC), `YYYY-MM-DD`: written once into the new dataset's `created`.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    powkg::build::register::generate::iso(i64::try_from(days).unwrap_or(0))
}
