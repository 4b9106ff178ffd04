//! The library's folders are layers (`docs/architecture.md`): each file may name only its own folder and the folders
//! of lower floors, and no files name each other in a circle. Read from the source text: every `crate::…` path
//! outside comments and test modules, every `super::…` path and every path through a module the file declares,
//! resolved to the file that defines it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The floors from the ground up; folders on one floor may not name each other.
const FLOORS: &[&[&str]] = &[
    &["files"],
    &["rdf"],
    &["build"],
    &["store"],
    &["search", "changes"],
    &["query"],
    &["web", "publish"],
];

/// A source file: its module path (`["query", "sparql", "bounds"]`) and the module paths it names.
struct Source {
    module: Vec<String>,
    names: BTreeSet<Vec<String>>,
}

fn floor(folder: &str) -> Option<usize> {
    FLOORS.iter().position(|floor| floor.contains(&folder))
}

/// Every `.rs` file under `dir`, with its module path.
fn sources(dir: &Path, module: &[String], out: &mut Vec<(Vec<String>, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if path.is_dir() {
            let mut inner = module.to_vec();
            inner.push(name);
            sources(&path, &inner, out);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            let mut path_of = module.to_vec();
            if stem != "mod" && stem != "lib" {
                path_of.push(stem.to_owned());
            }
            out.push((path_of, fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The paths the text names: `crate::a::b::…` as `[a, b, …]`, `super::x` relative to `module`. Comments and
/// everything from a `#[cfg(test)]` line on are left out.
fn names(module: &[String], text: &str) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    // The modules this file declares (`mod pages;`), which it may name as `pages::…` or `self::pages::…`.
    let children: Vec<String> = text
        .lines()
        .filter_map(|line| {
            let line = line.trim_start().strip_prefix("pub ").unwrap_or(line.trim_start());
            line.strip_prefix("mod ")?.strip_suffix(';').map(str::to_owned)
        })
        .collect();
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        // A re-export (`pub use pages::Page;`) is a folder's face, not a use of what it names.
        if line.starts_with("//") || line.starts_with("pub use ") || line.starts_with("pub(crate) use ") {
            continue;
        }
        for (start, _) in line.match_indices("crate::").chain(line.match_indices("super::")) {
            if start > 0 && line[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut base: Vec<String> = Vec::new();
            let mut rest = &line[start..];
            if let Some(after) = rest.strip_prefix("crate::") {
                rest = after;
            } else {
                // A file's module path is its own (a `mod.rs` that of its folder): each `super` goes up one.
                base = module.to_vec();
                while let Some(after) = rest.strip_prefix("super::") {
                    base.pop();
                    rest = after;
                }
            }
            // Lower-case segments up to the first that ends the path (`worker;`, `run(`, `Type`); a function's name
            // among them is harmless: a path names the file of its longest module prefix.
            let mut segments = Vec::new();
            for piece in rest.split("::") {
                let ident: String = piece.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if ident.is_empty() || !ident.starts_with(|c: char| c.is_lowercase()) {
                    break;
                }
                let whole = ident.len() == piece.len();
                segments.push(ident);
                if !whole {
                    break;
                }
            }
            base.extend(segments);
            found.insert(base);
        }
        for child in &children {
            let pattern = format!("{child}::");
            for (start, _) in line.match_indices(&pattern) {
                let before = line[..start].trim_end_matches("self::");
                if before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                let mut path = module.to_vec();
                path.push(child.clone());
                found.insert(path);
            }
        }
    }
    found
}

/// The file a module path names: the longest module path of a file that begins it.
fn file_of<'a>(path: &[String], modules: &'a BTreeSet<Vec<String>>) -> Option<&'a Vec<String>> {
    (1..=path.len()).rev().find_map(|n| modules.get(&path[..n]))
}

fn library() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &[], &mut files);
    files
        .into_iter()
        // The binary's files (`main.rs`, `cli.rs`, `commands/`) are above every layer.
        .filter(|(module, _)| !matches!(module.first().map(String::as_str), Some("main" | "cli" | "commands")))
        .map(|(module, text)| Source {
            names: names(&module, &text),
            module,
        })
        .collect()
}

#[test]
fn no_folder_names_a_folder_of_a_higher_floor_or_of_its_own_floor() {
    let mut wrong = Vec::new();
    for source in library() {
        let Some(own) = source.module.first() else { continue };
        let Some(own_floor) = floor(own) else {
            wrong.push(format!(
                "{own}: a folder on no floor (add it to FLOORS and docs/architecture.md)"
            ));
            continue;
        };
        for name in &source.names {
            let Some(target) = name.first() else { continue };
            if target == own {
                continue;
            }
            match floor(target) {
                Some(f) if f < own_floor => {}
                _ => wrong.push(format!("{} names crate::{}", source.module.join("::"), name.join("::"))),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports running up or across a floor:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_files_name_each_other_in_a_circle() {
    let sources = library();
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut edges: BTreeMap<&Vec<String>, BTreeSet<&Vec<String>>> = BTreeMap::new();
    for source in &sources {
        let from = modules.get(&source.module).unwrap();
        let targets = edges.entry(from).or_default();
        for name in &source.names {
            if let Some(to) = file_of(name, &modules).filter(|to| *to != from) {
                targets.insert(to);
            }
        }
    }
    let mut circles = Vec::new();
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        visit(node, &edges, &mut Vec::new(), &mut done, &mut circles);
    }
    assert!(
        circles.is_empty(),
        "files naming each other in a circle:\n{}",
        circles.join("\n")
    );
}

/// Depth-first search from `node`; a file met again while still on the path closes a circle.
fn visit<'a>(
    node: &'a Vec<String>,
    edges: &BTreeMap<&'a Vec<String>, BTreeSet<&'a Vec<String>>>,
    path: &mut Vec<&'a Vec<String>>,
    done: &mut BTreeSet<&'a Vec<String>>,
    circles: &mut Vec<String>,
) {
    if done.contains(node) {
        return;
    }
    if let Some(at) = path.iter().position(|n| *n == node) {
        let circle: Vec<String> = path[at..].iter().chain([&node]).map(|m| m.join("::")).collect();
        circles.push(circle.join(" -> "));
        return;
    }
    path.push(node);
    for next in edges.get(node).into_iter().flatten() {
        visit(next, edges, path, done, circles);
    }
    path.pop();
    done.insert(node);
}
