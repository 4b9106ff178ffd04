//! Property tests: IRIs minted from any valid id are valid IRIs, and any valid curated record maps to a graph that
//! every export format writes and parses back unchanged.

use oxigraph::io::RdfParser;
use oxigraph::model::{GraphName, Quad};
use powkg::build::facts::Facts;
use powkg::build::mapping;
use powkg::build::model::Model;
use powkg::build::ontology::Ontology;
use powkg::files::input::{InputFile, InputSet};
use powkg::rdf::format::{self, ExportFormat};
use powkg::rdf::hash::canonical_hash;
use powkg::rdf::iri::Minter;
use proptest::prelude::*;

fn slug() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}"
}

/// A TOML string literal for any text.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn date() -> impl Strategy<Value = String> {
    (1900u16..2030, proptest::option::of(1u8..=12), 1u8..=28).prop_map(|(y, m, d)| match m {
        None => format!("{y:04}"),
        Some(m) if d % 2 == 0 => format!("{y:04}-{m:02}"),
        Some(m) => format!("{y:04}-{m:02}-{d:02}"),
    })
}

fn parse(bytes: &[u8], format: ExportFormat) -> Vec<Quad> {
    RdfParser::from_format(format.oxigraph())
        .for_slice(bytes)
        .collect::<Result<_, _>>()
        .expect("our output parses")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn iris_minted_from_any_id_are_valid(id in slug(), base in r"https://[a-z]{1,10}\.example/([a-z]{1,6}/){0,2}") {
        let minter = Minter::new(&base).unwrap();
        for iri in [minter.entity(&id), minter.statement(&id), minter.source(&id), minter.citation(&id, &id, 3), minter.value(&id), minter.reference(&id)] {
            prop_assert!(iri_string::types::IriStr::new(iri.as_str()).is_ok(), "{iri}");
            prop_assert!(iri.as_str().starts_with(minter.base()));
        }
    }

    #[test]
    fn any_valid_record_round_trips_through_every_format(
        entity in slug(),
        label in any::<String>(),
        text in any::<String>(),
        quote in any::<String>(),
        amount in 0u64..10_000_000,
        bound in prop::sample::select(vec!["exact", "about", "over", "at-least", "up-to", "almost"]),
        when in date(),
    ) {
        let data = format!(
            "[dataset]\ntitle = {{ en = \"T\" }}\ncreated = \"2026-11-24\"\nlicence = \"https://creativecommons.org/licenses/by-sa/\"\n\
             attribution = \"A\"\nsources = [\"s\"]\n\n\
             [[source]]\nid = \"s\"\nkind = \"EncyclopediaArticle\"\ntitle = {title}\ntitle_language = \"en\"\nlanguages = [\"en\"]\n\n\
             [[entity]]\nid = \"{entity}\"\ntype = \"Camp\"\nlabel = {{ en = {label}, it = {label} }}\n\n\
             [[claim]]\nid = \"c1\"\nsubject = \"{entity}\"\nproperty = \"P1120\"\nquantity = {amount}\nbound = \"{bound}\"\n\
             qualifiers = [{{ property = \"P585\", time = \"{when}\" }}]\n\
             references = [{{ source = \"s\", footnote = 1, quote = {quote} }}]\n\n\
             [[claim]]\nid = \"c2\"\nsubject = \"{entity}\"\nproperty = \"remark\"\ntext = {text}\nlang = \"it\"\n\
             references = [{{ source = \"s\" }}]\nconflicts_with = [\"c1\"]\n",
            title = toml_string(&text),
            label = toml_string(&label),
            quote = toml_string(&quote),
            text = toml_string(&text),
        );
        let inputs = InputSet { files: vec![InputFile { path: "data/x.toml".into(), text: data }] };
        let minter = Minter::new("https://example.org/powkg/").unwrap();
        let ontology = Ontology::load(&crate::util::bundled_sources().ontology_files().expect("ontology files").0, &minter).unwrap();
        let facts = Facts::parse(&inputs).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let model = Model::build(&facts, &ontology.schema).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let quads = mapping::map(&model, &ontology, &minter);
        let union: Vec<Quad> = format::union_triples(&quads)
            .into_iter()
            .map(|t| t.in_graph(GraphName::DefaultGraph))
            .collect();
        for format in ExportFormat::ALL {
            let name = format.name();
            let mut out = Vec::new();
            format::write(&quads, format, &minter.prefixes(), &mut out).unwrap();
            let parsed = parse(&out, format);
            let expected = if format.keeps_graphs() { &quads } else { &union };
            prop_assert_eq!(canonical_hash(&parsed), canonical_hash(expected), "{} differs:\n{}", name, String::from_utf8_lossy(&out));
        }
    }
}
