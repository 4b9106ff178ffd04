//! Synthetic registers for tests and benchmarks: plausible rows (Romanian names with diacritics, dates in range, some
//! optional fields empty) drawn from a seeded generator of our own (`SplitMix64`), so that a seed gives the same file
//! on every machine and with every version of every crate. The mapping description written beside the file says
//! `synthetic = true`, which the graph carries on the register's source; record ids start with `SYN-`. They describe
//! no real person and are never part of the bundled curated data.

use std::io::{self, Write};

/// The header of a generated register.
pub const HEADER: [&str; 13] = [
    "record_id",
    "given_name",
    "family_name",
    "birth_year",
    "birth_place",
    "rank",
    "unit",
    "capture_date",
    "capture_place",
    "camp",
    "fate",
    "death_date",
    "source_document",
];

const GIVEN: [&str; 24] = [
    "Ion",
    "Gheorghe",
    "Vasile",
    "Constantin",
    "Nicolae",
    "Dumitru",
    "Ștefan",
    "Mihai",
    "Petre",
    "Alexandru",
    "Ilie",
    "Grigore",
    "Toma",
    "Costică",
    "Aurel",
    "Traian",
    "Florea",
    "Iosif",
    "Marin",
    "Neculai",
    "Radu",
    "Tănase",
    "Gavrilă",
    "Sandu",
];
const FAMILY: [&str; 28] = [
    "Popescu",
    "Ionescu",
    "Popa",
    "Pop",
    "Radu",
    "Dumitrescu",
    "Stan",
    "Stoica",
    "Gheorghe",
    "Munteanu",
    "Constantinescu",
    "Lungu",
    "Moldovan",
    "Mureșan",
    "Țăranu",
    "Știrbu",
    "Bălan",
    "Căpățână",
    "Dobre",
    "Nistor",
    "Oprea",
    "Pădureanu",
    "Răducanu",
    "Șerban",
    "Tudose",
    "Vlădescu",
    "Zăvoianu",
    "Ene",
];
const PLACES: [&str; 16] = [
    "București",
    "Iași",
    "Cluj",
    "Timișoara",
    "Craiova",
    "Constanța",
    "Brașov",
    "Galați",
    "Ploiești",
    "Bacău",
    "Botoșani",
    "Focșani",
    "Târgu Mureș",
    "Piatra Neamț",
    "Râmnicu Vâlcea",
    "Câmpulung",
];
const RANKS: [&str; 8] = [
    "soldat",
    "caporal",
    "sergent",
    "plutonier",
    "sublocotenent",
    "locotenent",
    "căpitan",
    "maior",
];
const UNITS: [&str; 8] = [
    "Divizia 1 Infanterie",
    "Divizia 5 Infanterie",
    "Divizia 6 Infanterie",
    "Divizia 13 Infanterie",
    "Divizia 1 Blindată",
    "Divizia 7 Cavalerie",
    "Divizia 20 Infanterie",
    "Corpul 2 Vânători de Munte",
];
const CAPTURE_PLACES: [&str; 8] = [
    "Cotul Donului",
    "Stalingrad",
    "Crimeea",
    "Iași",
    "Chișinău",
    "Odesa",
    "Kuban",
    "Tighina",
];
/// Curated camps (ids of data/entities.toml).
const CAMPS: [&str; 2] = ["spassky-camp-99", "karlag"];

/// `SplitMix64`: small, fast, and fixed by its published definition.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift: unbiased enough for synthetic data and the same everywhere.
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// A day in `from..=to` (days since 1970-01-01).
fn day_between(rng: &mut SplitMix64, from: i64, to: i64) -> i64 {
    from + i64::try_from(rng.below(u64::try_from(to - from + 1).unwrap_or(1))).unwrap_or(0)
}

fn iso(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Writes `rows` synthetic rows (and the header) as CSV; the same `seed` always gives the same bytes.
pub fn write_csv(rows: u64, seed: u64, out: &mut dyn Write) -> io::Result<()> {
    let mut rng = SplitMix64(seed);
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let other = |e: csv::Error| io::Error::other(e.to_string());
    w.write_record(HEADER).map_err(other)?;
    let mut fields: Vec<String> = Vec::with_capacity(HEADER.len());
    for n in 1..=rows {
        fields.clear();
        let optional = |rng: &mut SplitMix64, value: String| if rng.chance(8) { String::new() } else { value };
        fields.push(format!("SYN-{n:07}"));
        fields.push(rng.pick(&GIVEN).to_owned());
        fields.push(rng.pick(&FAMILY).to_owned());
        let birth = 1895 + rng.below(32);
        fields.push(birth.to_string());
        let place = rng.pick(&PLACES).to_owned();
        fields.push(optional(&mut rng, place));
        let rank = rng.pick(&RANKS).to_owned();
        fields.push(optional(&mut rng, rank));
        let unit = rng.pick(&UNITS).to_owned();
        fields.push(optional(&mut rng, unit));
        // Captured between the start of the war in the east and its end; dead or repatriated after that.
        let captured = day_between(&mut rng, days_from_civil(1941, 6, 22), days_from_civil(1945, 5, 9));
        fields.push(optional(&mut rng, iso(captured)));
        let capture_place = rng.pick(&CAPTURE_PLACES).to_owned();
        fields.push(optional(&mut rng, capture_place));
        let camp = rng.pick(&CAMPS).to_owned();
        fields.push(optional(&mut rng, camp));
        let (fate, death) = if rng.chance(20) {
            let died = day_between(&mut rng, captured + 1, days_from_civil(1955, 12, 31));
            ("decedat în captivitate".to_owned(), iso(died))
        } else if rng.chance(85) {
            let (captured_year, _, _) = civil_from_days(captured);
            let year = captured_year.max(1945) + i64::try_from(rng.below(6)).unwrap_or(0);
            (format!("repatriat {}", year.min(1956)), String::new())
        } else {
            (String::new(), String::new())
        };
        fields.push(fate);
        fields.push(death);
        fields.push(format!("dosar {}/{}", 1 + rng.below(900), 1 + rng.below(9999)));
        w.write_record(&fields).map_err(other)?;
    }
    w.flush()
}

/// The mapping description of a generated register whose id is `id`.
pub fn description(id: &str, rows: u64, seed: u64) -> String {
    format!(
        r#"# Mapping description of a synthetic register made by `powkg generate-register --rows {rows} --seed {seed}`.
# Its rows describe no real person: for tests and benchmarks only.

[register]
id = "{id}"
title = "Synthetic register of Romanian prisoners of war ({rows} rows, seed {seed})"
title_language = "en"
description = "Generated by powkg generate-register; describes no real person."
synthetic = true
item = "{{+base}}prisoner/{{register}}/{{record_id}}"
class = "Person"
label = ["given_name", "family_name"]
label_language = "ro"
source_document = "source_document"

[[column]]
name = "record_id"
required = true

[[column]]
name = "given_name"

[[column]]
name = "family_name"

[[column]]
name = "birth_year"
property = "birthYear"
search = true

[[column]]
name = "birth_place"
property = "birthPlace"
search = true

[[column]]
name = "rank"
property = "militaryRank"

[[column]]
name = "unit"
property = "militaryUnit"
search = true

[[column]]
name = "capture_date"
property = "captureDate"

[[column]]
name = "capture_place"
property = "capturePlace"

[[column]]
name = "camp"
property = "heldAt"
search = true

[[column]]
name = "fate"
property = "fate"

[[column]]
name = "death_date"
property = "dateOfDeath"

[[column]]
name = "source_document"
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for days in [-10_000, -1, 0, 59, 60, 11_016, 11_017, 20_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(iso(days_from_civil(1944, 2, 29)), "1944-02-29");
    }

    #[test]
    fn splitmix64_matches_its_reference_values() {
        // First outputs for seed 1234567 from the reference implementation (Vigna, prng.di.unimi.it).
        let mut rng = SplitMix64(1_234_567);
        assert_eq!(rng.next(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next(), 3_203_168_211_198_807_973);
    }
}
