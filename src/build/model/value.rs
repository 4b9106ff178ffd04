//! Validated values: dates with their written precision, figures with their written bound, ranks.

use std::fmt;

/// How precisely a date was written (the Wikibase `timePrecision` codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    /// `1867`
    Year = 9,
    /// `1863-07`
    Month = 10,
    /// `1891-09-09`
    Day = 11,
}

/// A Gregorian date at the precision it was written: "July 1863" stays a month, never 1863-07-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year (1 to 9999).
    pub year: u16,
    /// Month, when written.
    pub month: Option<u8>,
    /// Day, when written.
    pub day: Option<u8>,
}

impl Date {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; says what is wrong otherwise.
    pub fn parse(text: &str) -> Result<Self, String> {
        let expected = || format!("invalid date \"{text}\": expected YYYY, YYYY-MM or YYYY-MM-DD");
        let parts: Vec<&str> = text.split('-').collect();
        let number = |s: &str, len: usize| {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse::<u16>().ok()
            } else {
                None
            }
        };
        let year = parts.first().and_then(|y| number(y, 4)).ok_or_else(expected)?;
        if year == 0 {
            return Err(format!("impossible date \"{text}\": there is no year 0"));
        }
        let month = match parts.get(1) {
            Some(m) => Some(number(m, 2).ok_or_else(expected)?),
            None => None,
        };
        let day = match parts.get(2) {
            Some(d) => Some(number(d, 2).ok_or_else(expected)?),
            None => None,
        };
        if parts.len() > 3 {
            return Err(expected());
        }
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(format!("impossible date \"{text}\": month {m} does not exist"));
        }
        if let (Some(m), Some(d)) = (month, day) {
            let last = days_in_month(year, m);
            if d == 0 || d > u16::from(last) {
                return Err(format!(
                    "impossible date \"{text}\": {} {year} has {last} days",
                    MONTHS[usize::from(m) - 1]
                ));
            }
        }
        // The narrowing casts are safe: month and day were checked to be at most 31.
        #[allow(clippy::cast_possible_truncation)]
        Ok(Self {
            year,
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        })
    }

    /// The precision the date was written at.
    pub fn precision(self) -> Precision {
        match (self.month, self.day) {
            (_, Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }

    /// Whether the whole period lies after `other`'s: its first day is later than any day `other` may stand for.
    pub fn begins_after(self, other: Self) -> bool {
        // Day 31 stands for the end of any month: the dates were checked, so no day of that month is later.
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            > (other.year, other.month.unwrap_or(12), other.day.unwrap_or(31))
    }

    /// The start of the period as an `xsd:dateTime` lexical form (Wikibase `timeValue` convention).
    pub fn start_date_time(self) -> String {
        format!(
            "{:04}-{:02}-{:02}T00:00:00Z",
            self.year,
            self.month.unwrap_or(1),
            self.day.unwrap_or(1)
        )
    }
}

impl Date {
    /// The date a Wikibase time value stands for: the `xsd:dateTime` lexical form of the period's start (as
    /// `ps:`/`wikibase:timeValue` hold it) cut to its `timePrecision` (9, 10 or 11). `None` for other precisions or a
    /// form that is not a date from year 1 to 9999.
    pub fn from_time_value(lexical: &str, precision: u8) -> Option<Self> {
        let date = lexical.split('T').next()?;
        let cut = match precision {
            9 => 4,
            10 => 7,
            11 => 10,
            _ => return None,
        };
        Self::parse(date.get(..cut)?).ok()
    }

    /// The date in English words at its precision: "1867", "July 1863", "9 September 1891".
    pub fn in_words(self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", MONTHS[usize::from(m) - 1], self.year),
            (Some(m), None) => format!("{} {}", MONTHS[usize::from(m) - 1], self.year),
            _ => self.year.to_string(),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn days_in_month(year: u16, month: u16) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// How a figure was bounded in the text ("up to 100,000", "almost 165,000", "over 8,000", "about 50,000").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bound {
    /// Written as an exact number.
    Exact,
    /// "about", "circa": no bounds known.
    About,
    /// "over", "more than": the amount is a lower bound.
    Over,
    /// "at least": the amount is a lower bound.
    AtLeast,
    /// "up to": the amount is an upper bound.
    UpTo,
    /// "almost": the amount is an upper bound.
    Almost,
}

impl Bound {
    /// The names curated files use.
    pub const NAMES: [(&'static str, Self); 6] = [
        ("exact", Self::Exact),
        ("about", Self::About),
        ("over", Self::Over),
        ("at-least", Self::AtLeast),
        ("up-to", Self::UpTo),
        ("almost", Self::Almost),
    ];

    /// Parses a curated bound name.
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == text)
            .map(|(_, b)| *b)
            .ok_or_else(|| {
                let names: Vec<_> = Self::NAMES.iter().map(|(n, _)| *n).collect();
                format!("unknown bound \"{text}\": expected one of {}", names.join(", "))
            })
    }

    /// Whether the amount is a lower and/or upper bound of the true figure.
    pub fn bounds(self) -> (bool, bool) {
        match self {
            Self::Exact => (true, true),
            Self::About => (false, false),
            Self::Over | Self::AtLeast => (true, false),
            Self::UpTo | Self::Almost => (false, true),
        }
    }
}

/// A figure: its amount as an `xsd:decimal` lexical form and the bound it was written with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity {
    /// Canonical decimal text, e.g. `61662`.
    pub amount: String,
    /// How the text bounded it.
    pub bound: Bound,
}

/// Wikibase statement rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Rank {
    /// Preferred over the others of its property.
    Preferred,
    /// The default.
    #[default]
    Normal,
    /// Known to be wrong, kept for the record.
    Deprecated,
}

impl Rank {
    /// Parses a curated rank name.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "normal" => Ok(Self::Normal),
            "preferred" => Ok(Self::Preferred),
            "deprecated" => Ok(Self::Deprecated),
            _ => Err(format!(
                "unknown rank \"{text}\": expected normal, preferred or deprecated"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_begins_after_another_only_when_its_first_day_is_later_than_all_of_the_other() {
        let d = |t: &str| Date::parse(t).unwrap();
        assert!(d("9999").begins_after(d("2026-11-24")));
        assert!(d("2026-11-25").begins_after(d("2026-11-24")));
        assert!(d("2026-12").begins_after(d("2026-11-24")));
        assert!(!d("2026").begins_after(d("2026-11-24")));
        assert!(!d("2026-11").begins_after(d("2026-11-24")));
        assert!(!d("2026-11-24").begins_after(d("2026-11-24")));
        assert!(!d("2026-12-31").begins_after(d("2026")));
        assert!(d("2027-01").begins_after(d("2026")));
        assert!(!d("2026-11-30").begins_after(d("2026-11")));
    }

    #[test]
    fn dates_keep_their_written_precision() {
        let d = Date::parse("1863-07").unwrap();
        assert_eq!(d.precision(), Precision::Month);
        assert_eq!(d.to_string(), "1863-07");
        assert_eq!(d.start_date_time(), "1863-07-01T00:00:00Z");
        assert_eq!(Date::parse("1878").unwrap().precision(), Precision::Year);
        assert_eq!(Date::parse("1891-09-09").unwrap().precision(), Precision::Day);
    }

    #[test]
    fn a_time_value_reads_back_at_its_precision_never_as_a_made_up_day() {
        let july = Date::from_time_value("1863-07-01T00:00:00Z", 10).unwrap();
        assert_eq!(july.in_words(), "July 1863");
        assert_eq!(july.to_string(), "1863-07");
        assert_eq!(
            Date::from_time_value("1867-01-01T00:00:00Z", 9).unwrap().in_words(),
            "1867"
        );
        assert_eq!(
            Date::from_time_value("1891-09-09T00:00:00Z", 11).unwrap().in_words(),
            "9 September 1891"
        );
        assert_eq!(Date::from_time_value("1867-01-01T00:00:00Z", 7), None);
        assert_eq!(Date::from_time_value("19", 9), None);
    }

    #[test]
    fn impossible_dates_are_refused_with_a_reason() {
        assert_eq!(
            Date::parse("1864-02-30").unwrap_err(),
            "impossible date \"1864-02-30\": February 1864 has 29 days"
        );
        assert!(Date::parse("1865-02-29").is_err());
        assert!(Date::parse("1864-13").unwrap_err().contains("month 13"));
        assert!(Date::parse("July 1863").unwrap_err().contains("expected YYYY"));
        assert!(Date::parse("1863-7").is_err());
    }

    #[test]
    fn bounds_follow_the_wording() {
        assert_eq!(Bound::parse("up-to").unwrap().bounds(), (false, true));
        assert_eq!(Bound::parse("over").unwrap().bounds(), (true, false));
        assert!(Bound::parse("roughly").is_err());
    }
}
