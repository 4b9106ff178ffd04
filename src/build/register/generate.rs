//! Synthetic registers for tests and benchmarks: plausible rows drawn from a seeded generator of our own
//! (`SplitMix64`), so that a seed gives the same file on every machine and with every version of every crate. The
//! words the rows are made of, the columns' names and the mapping description written beside the file come from a
//! profile the project keeps ([`Profile`]); powkg's code holds none of them. Each row is a person's record: an id,
//! two name columns, a birth year and place, two choices, an event (a date in a window, a place), an item (the id
//! of a curated entity), an outcome (died, with a date; left, in a year; or unknown) and a document reference. The
//! mapping description says `synthetic = true`, which the graph carries on the register's source.

use std::io::{self, Write};

use serde::Deserialize;

/// What a synthetic register is made of: the project's words and mapping (a TOML file; the bundled project's is
/// `data/registers/synthetic.profile.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The start of every record id (`SYN-`), followed by the row's number.
    pub id_prefix: String,
    /// The 13 column names, in the order the generator writes them.
    pub columns: Vec<String>,
    /// Given names.
    pub given_names: Vec<String>,
    /// Family names.
    pub family_names: Vec<String>,
    /// The first and last birth year.
    pub birth_years: [u64; 2],
    /// Places of birth.
    pub birth_places: Vec<String>,
    /// The first choice (a rank, a trade).
    pub first: Vec<String>,
    /// The second choice (a unit, a parish).
    pub second: Vec<String>,
    /// The first and last day of the event (`YYYY-MM-DD`).
    pub event_window: [String; 2],
    /// Places of the event.
    pub event_places: Vec<String>,
    /// Ids of curated entities the records point at.
    pub items: Vec<String>,
    /// The outcome "died" as written.
    pub died: String,
    /// The last day of a death (`YYYY-MM-DD`).
    pub died_by: String,
    /// The outcome "left" as written, `{year}` standing for the year.
    pub left: String,
    /// The first year of a leaving.
    pub left_from: i64,
    /// How many years after its first possible year a leaving may be.
    pub left_within: u64,
    /// The last year of a leaving.
    pub left_by: i64,
    /// The document reference, `{a}` (1 to 900) and `{b}` (1 to 9999) standing for its numbers.
    pub document: String,
    /// The mapping description, `{id}`, `{rows}` and `{seed}` standing for the register's id, rows and seed.
    pub mapping: String,
}

/// The number of columns a profile names.
pub const COLUMNS: usize = 13;

impl Profile {
    /// Reads a profile, naming the line and column of a problem.
    pub fn parse(path: &str, text: &str) -> Result<Self, crate::files::diagnostic::Diagnostic> {
        use crate::files::diagnostic::Diagnostic;
        let profile: Self = toml::from_str(text).map_err(|e| {
            let message = e.message().trim_end().to_owned();
            match e.span() {
                Some(span) => Diagnostic::at(path, text, span.start, message),
                None => Diagnostic::file(path, message),
            }
        })?;
        let empty = [
            ("given_names", profile.given_names.is_empty()),
            ("family_names", profile.family_names.is_empty()),
            ("birth_places", profile.birth_places.is_empty()),
            ("first", profile.first.is_empty()),
            ("second", profile.second.is_empty()),
            ("event_places", profile.event_places.is_empty()),
            ("items", profile.items.is_empty()),
        ];
        if let Some((name, _)) = empty.iter().find(|(_, e)| *e) {
            return Err(Diagnostic::file(path, format!("`{name}` is empty: give at least one")));
        }
        if profile.columns.len() != COLUMNS {
            return Err(Diagnostic::file(
                path,
                format!("`columns` names {} columns: expected {COLUMNS}", profile.columns.len()),
            ));
        }
        if profile.birth_years[0] > profile.birth_years[1] || profile.left_from > profile.left_by {
            return Err(Diagnostic::file(
                path,
                "a range ends before it starts (`birth_years`, `left_from`..`left_by`)",
            ));
        }
        let days =
            |d: &str| day_of(d).ok_or_else(|| Diagnostic::file(path, format!("`{d}`: expected a date YYYY-MM-DD")));
        let (from, to, died_by) = (
            days(&profile.event_window[0])?,
            days(&profile.event_window[1])?,
            days(&profile.died_by)?,
        );
        if from > to || to >= died_by {
            return Err(Diagnostic::file(
                path,
                "`event_window` must run forwards and end before `died_by`",
            ));
        }
        Ok(profile)
    }
}

/// Days since 1970-01-01 of `YYYY-MM-DD`.
fn day_of(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-').map(str::parse::<i64>);
    let (y, m, d) = (parts.next()?.ok()?, parts.next()?.ok()?, parts.next()?.ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y, m, d))
}

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
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
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

/// The date `days` after 1970-01-01, `YYYY-MM-DD`.
pub fn iso(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The items of a list of the profile, borrowed.
fn list(items: &[String]) -> Vec<&str> {
    items.iter().map(String::as_str).collect()
}

/// Writes `rows` synthetic rows (and the header) as CSV; the same profile and `seed` always give the same bytes.
pub fn write_csv(profile: &Profile, rows: u64, seed: u64, out: &mut dyn Write) -> io::Result<()> {
    let mut rng = SplitMix64(seed);
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let other = |e: csv::Error| io::Error::other(e.to_string());
    w.write_record(&profile.columns).map_err(other)?;

    let (given, family, places) = (
        list(&profile.given_names),
        list(&profile.family_names),
        list(&profile.birth_places),
    );
    let (first, second, event_places, items) = (
        list(&profile.first),
        list(&profile.second),
        list(&profile.event_places),
        list(&profile.items),
    );
    // Checked by `Profile::parse`.
    let window = (
        day_of(&profile.event_window[0]).unwrap_or(0),
        day_of(&profile.event_window[1]).unwrap_or(0),
    );
    let died_by = day_of(&profile.died_by).unwrap_or(0);
    let years = profile.birth_years[1] - profile.birth_years[0] + 1;
    let mut fields: Vec<String> = Vec::with_capacity(COLUMNS);
    for n in 1..=rows {
        fields.clear();
        let optional = |rng: &mut SplitMix64, value: String| if rng.chance(8) { String::new() } else { value };
        fields.push(format!("{}{n:07}", profile.id_prefix));
        fields.push(rng.pick(&given).to_owned());
        fields.push(rng.pick(&family).to_owned());
        let birth = profile.birth_years[0] + rng.below(years);
        fields.push(birth.to_string());
        let place = rng.pick(&places).to_owned();
        fields.push(optional(&mut rng, place));
        let one = rng.pick(&first).to_owned();
        fields.push(optional(&mut rng, one));
        let two = rng.pick(&second).to_owned();
        fields.push(optional(&mut rng, two));
        // The event falls in its window; a death comes after it, a leaving in its year or later.
        let event = day_between(&mut rng, window.0, window.1);
        fields.push(optional(&mut rng, iso(event)));
        let event_place = rng.pick(&event_places).to_owned();
        fields.push(optional(&mut rng, event_place));
        let item = rng.pick(&items).to_owned();
        fields.push(optional(&mut rng, item));
        let (outcome, death) = if rng.chance(20) {
            let died = day_between(&mut rng, event + 1, died_by);
            (profile.died.clone(), iso(died))
        } else if rng.chance(85) {
            let (event_year, _, _) = civil_from_days(event);
            let year = event_year.max(profile.left_from) + i64::try_from(rng.below(profile.left_within)).unwrap_or(0);
            (
                profile.left.replace("{year}", &year.min(profile.left_by).to_string()),
                String::new(),
            )
        } else {
            (String::new(), String::new())
        };
        fields.push(outcome);
        fields.push(death);
        let (a, b) = (1 + rng.below(900), 1 + rng.below(9999));
        fields.push(
            profile
                .document
                .replace("{a}", &a.to_string())
                .replace("{b}", &b.to_string()),
        );
        w.write_record(&fields).map_err(other)?;
    }
    w.flush()
}

/// The mapping description of a generated register whose id is `id`.
pub fn description(profile: &Profile, id: &str, rows: u64, seed: u64) -> String {
    profile
        .mapping
        .replace("{id}", id)
        .replace("{rows}", &rows.to_string())
        .replace("{seed}", &seed.to_string())
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
        assert_eq!(iso(days_from_civil(1864, 2, 29)), "1864-02-29");
    }

    /// A small profile of invented words, with `change` applied to its text.
    fn profile(change: impl Fn(String) -> String) -> Result<Profile, String> {
        let text = change(
            r#"id_prefix = "T-"
columns = ["id", "given", "family", "born", "place", "trade", "parish", "day", "where", "item", "outcome", "died", "doc"]
given_names = ["Ada"]
family_names = ["Vell"]
birth_years = [1801, 1830]
birth_places = ["Oxmoor"]
first = ["weaver"]
second = ["St Lin"]
event_window = ["1850-01-01", "1850-12-31"]
event_places = ["Oxmoor"]
items = ["some-entity"]
died = "died"
died_by = "1860-12-31"
left = "left {year}"
left_from = 1850
left_within = 3
left_by = 1855
document = "roll {a}/{b}"
mapping = "id {id}, {rows} rows, seed {seed}"
"#
            .to_owned(),
        );
        Profile::parse("p.toml", &text).map_err(|d| d.to_string())
    }

    #[test]
    fn a_profile_gives_the_same_rows_for_a_seed_and_its_words_only() {
        let p = profile(|t| t).unwrap();
        let rows = |seed| {
            let mut out = Vec::new();
            write_csv(&p, 50, seed, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let csv = rows(3);
        assert_eq!(csv, rows(3));
        assert_ne!(csv, rows(4));
        assert!(csv.starts_with(
            "id,given,family,born,place,trade,parish,day,where,item,outcome,died,doc\nT-0000001,Ada,Vell,18"
        ));
        assert!(
            csv.lines()
                .skip(1)
                .all(|l| l.contains(",Ada,Vell,") && l.contains("roll "))
        );
        assert_eq!(description(&p, "reg", 50, 3), "id reg, 50 rows, seed 3");
    }

    #[test]
    fn a_bad_profile_is_named() {
        let err = profile(|t| t.replace("items = [\"some-entity\"]", "items = []")).unwrap_err();
        assert!(err.contains("`items` is empty"), "{err}");
        let err = profile(|t| t.replace("\"doc\"]", "]")).unwrap_err();
        assert!(err.contains("names 12 columns: expected 13"), "{err}");
        let err = profile(|t| t.replace("1850-12-31", "1850-13-31")).unwrap_err();
        assert!(err.contains("`1850-13-31`: expected a date"), "{err}");
        let err = profile(|t| t.replace("left_by = 1855", "left_by = 1855\ncolour = 1")).unwrap_err();
        assert!(err.contains("p.toml:18:1: unknown field `colour`"), "{err}");
    }

    #[test]
    fn splitmix64_matches_its_reference_values() {
        // First outputs for seed 1234567 from the reference implementation (Vigna, prng.di.unimi.it).
        let mut rng = SplitMix64(1_234_567);
        assert_eq!(rng.next(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next(), 3_203_168_211_198_807_973);
    }
}
