//! When an export lacks a required column: look at the values of the
//! columns that were not mapped (which read as dates, which as amounts,
//! which as names) and suggest a ready `[columns]` block for
//! `avropskoll.toml`.

use super::table::Cell;
use super::Field;
use crate::parse;

/// A cell kept from the first records for the suggestion.
#[derive(Debug, Clone, PartialEq)]
pub enum Sample {
    Empty,
    Text(String),
    Number(f64),
    Date,
}

impl Sample {
    pub fn of(cell: &Cell) -> Sample {
        match cell {
            Cell::Empty => Sample::Empty,
            Cell::Text(t) if t.trim().is_empty() => Sample::Empty,
            Cell::Text(t) => Sample::Text(t.trim().to_string()),
            Cell::Number(v) => Sample::Number(*v),
            Cell::Date(_) => Sample::Date,
            Cell::Error(e) => Sample::Text(e.clone()),
            Cell::Bool(b) => Sample::Text(b.to_string()),
        }
    }

    /// Text that reads as neither a date nor an amount (a header cell).
    pub fn is_label(&self) -> bool {
        matches!(self, Sample::Text(_)) && !self.is_date() && !self.is_amount()
    }

    /// The cell's text.
    pub fn text(&self) -> String {
        match self {
            Sample::Empty | Sample::Date => String::new(),
            Sample::Text(t) => t.clone(),
            Sample::Number(v) => parse::number_text(*v),
        }
    }

    fn is_date(&self) -> bool {
        match self {
            Sample::Date => true,
            Sample::Number(v) => parse::date_from_number(*v).is_some(),
            Sample::Text(t) => parse::parse_date(t).is_some(),
            Sample::Empty => false,
        }
    }

    fn is_amount(&self) -> bool {
        match self {
            Sample::Number(_) => true,
            Sample::Text(t) => parse::parse_amount(t).is_some(),
            _ => false,
        }
    }

    fn has_fraction(&self) -> bool {
        match self {
            Sample::Number(v) => v.fract() != 0.0,
            Sample::Text(t) => t.contains([',', '.']),
            _ => false,
        }
    }

    fn is_name(&self) -> bool {
        match self {
            Sample::Text(t) => {
                t.chars().filter(|c| c.is_alphabetic()).count() >= 3 && !self.is_date() && !self.is_amount()
            }
            _ => false,
        }
    }

    fn looks_like_company(&self) -> bool {
        match self {
            Sample::Text(t) => {
                let n = parse::normalize_supplier(t);
                n.ends_with("ab") || t.contains(" AB") || t.to_lowercase().contains("aktiebolag")
            }
            _ => false,
        }
    }
}

/// What one column's values read as.
struct Column {
    index: usize,
    values: usize,
    dates: usize,
    amounts: usize,
    fractions: usize,
    names: usize,
    companies: usize,
}

impl Column {
    fn mostly(&self, n: usize) -> bool {
        self.values > 0 && n * 5 >= self.values * 4
    }
}

fn hinted(header: &str, hints: &[&str]) -> bool {
    let h = parse::fold_header(header);
    hints.iter().any(|k| h.contains(k))
}

/// A `[columns]` block naming a column for each `missing` field, guessed
/// from the values below `header` (`rows`); columns already `mapped` are
/// not used. `None` when no column fits any missing field.
pub fn suggest(header: &[String], rows: &[Vec<Sample>], mapped: &[Option<usize>], missing: &[Field]) -> Option<String> {
    let taken: Vec<usize> = mapped.iter().flatten().copied().collect();
    let mut columns: Vec<Column> = (0..header.len())
        .filter(|i| !taken.contains(i) && !header[*i].trim().is_empty())
        .map(|index| {
            let cells: Vec<&Sample> = rows
                .iter()
                .filter_map(|r| r.get(index))
                .filter(|s| **s != Sample::Empty)
                .collect();
            Column {
                index,
                values: cells.len(),
                dates: cells.iter().filter(|s| s.is_date()).count(),
                amounts: cells.iter().filter(|s| s.is_amount() && !s.is_date()).count(),
                fractions: cells.iter().filter(|s| s.has_fraction()).count(),
                names: cells.iter().filter(|s| s.is_name()).count(),
                companies: cells.iter().filter(|s| s.looks_like_company()).count(),
            }
        })
        .collect();
    let mut lines = Vec::new();
    for field in super::FIELDS.iter().filter(|f| missing.contains(f)) {
        let score = |c: &Column| -> Option<i64> {
            let h = &header[c.index];
            match field {
                Field::Date if c.mostly(c.dates) => Some(hinted(h, &["dat", "dag"]) as i64 * 2),
                Field::Amount if c.mostly(c.amounts) => Some(
                    hinted(h, &["belopp", "sek", "kr", "summa", "netto", "amount"]) as i64 * 4
                        + (c.fractions > 0) as i64 * 2
                        + c.index as i64 / 1000,
                ),
                Field::Supplier if c.mostly(c.names) => Some(
                    hinted(h, &["lev", "supplier", "namn", "foretag"]) as i64 * 4
                        + (c.companies * 2 >= c.values) as i64 * 2,
                ),
                _ => None,
            }
        };
        let best = columns
            .iter()
            .enumerate()
            .filter_map(|(k, c)| Some((score(c)?, k)))
            // Highest score; on a tie the leftmost (rightmost for amounts).
            .max_by(|a, b| {
                a.0.cmp(&b.0).then(if *field == Field::Amount {
                    a.1.cmp(&b.1)
                } else {
                    b.1.cmp(&a.1)
                })
            })
            .map(|(_, k)| k);
        if let Some(k) = best {
            let c = columns.remove(k);
            let name = header[c.index].replace('\\', "\\\\").replace('"', "\\\"");
            lines.push(format!("{} = [\"{name}\"]", field.key()));
        }
    }
    (!lines.is_empty()).then(|| format!("[columns]\n{}", lines.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Sample {
        if s.is_empty() {
            Sample::Empty
        } else {
            Sample::Text(s.to_string())
        }
    }

    #[test]
    fn suggests_columns_from_their_values() {
        let header: Vec<String> = ["Bokf.dat", "Lev", "Konto", "Belopp (SEK)", "Text"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let rows: Vec<Vec<Sample>> = [
            ["2024-01-05", "Måleri Syd AB", "4410", "1 250,00", "Fönster"],
            ["2024-01-09", "Elkraft AB", "4411", "-300,50", "Kredit"],
            ["2024-02-01", "Penselkungen AB", "4410", "12 000,00", ""],
        ]
        .iter()
        .map(|r| r.iter().map(|s| text(s)).collect())
        .collect();
        let s = suggest(&header, &rows, &[], &[Field::Date, Field::Supplier, Field::Amount]);
        assert_eq!(
            s.as_deref(),
            Some("[columns]\ndate = [\"Bokf.dat\"]\nsupplier = [\"Lev\"]\namount = [\"Belopp (SEK)\"]")
        );
        // Only the missing field is suggested; nothing fits: None.
        assert_eq!(
            suggest(&header, &rows, &[], &[Field::Date]).as_deref(),
            Some("[columns]\ndate = [\"Bokf.dat\"]")
        );
        assert_eq!(suggest(&header, &[], &[], &[Field::Date]), None);
    }
}
