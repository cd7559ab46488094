//! Columns by their contents (the spec's *Org nr by its contents*): when no
//! header maps `org_nr`, the first unmapped column most of whose filled
//! cells below the header are valid org numbers is taken; and every other
//! column the run does not read is named, with the `[columns]` line that
//! would map it when its header looks like a known field.

use super::table::Cell;
use super::{Field, N_FIELDS};
use crate::parse::{self, OrgNr};

/// How many records below the header the org nr search looks at.
pub(crate) const CONTENT_RECORDS: usize = 1000;

/// The org nr column found by its values: its header, its index, and how
/// many of its filled cells (of the first [`CONTENT_RECORDS`]) are valid
/// org numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByContents {
    pub header: String,
    pub column: usize,
    pub valid: usize,
    pub filled: usize,
}

/// A column the run does not read: its header and, when the header looks
/// like a field the file does not map, that field (for a `[columns]` line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub header: String,
    pub field: Option<Field>,
    /// The header looks like a unit's name while the unit is read from
    /// another column (a name, shown, not an identity).
    pub unit_name: bool,
}

/// The first column mapping no field (left to right) with at least one
/// filled cell among `records`, ≥ 90 % of which are valid org numbers.
pub(crate) fn org_nr_column(
    headers: &[String],
    columns: &[Option<usize>; N_FIELDS],
    records: &[Vec<Cell>],
) -> Option<ByContents> {
    let width = records.iter().map(Vec::len).max().unwrap_or(0).max(headers.len());
    // A person's column (an attestant's personal identity number passes
    // the same check digit) is never the supplier's org nr.
    let personal = |i: &usize| {
        let folded = headers.get(*i).map(|h| parse::fold_header(h)).unwrap_or_default();
        let orderer = HINTS
            .iter()
            .find(|(f, _)| *f == Field::Orderer)
            .map_or(&[][..], |(_, p)| *p);
        orderer.iter().chain(&["person", "pnr"]).any(|p| folded.contains(p))
    };
    (0..width)
        .filter(|i| !columns.contains(&Some(*i)) && !personal(i))
        .find_map(|column| {
            let filled: Vec<&Cell> = records
                .iter()
                .filter_map(|r| r.get(column))
                .filter(|c| !c.is_empty())
                .collect();
            let valid = filled.iter().filter(|c| OrgNr::parse(&c.text_cow()).is_some()).count();
            // 90 % of the filled cells, counted without rounding.
            (valid > 0 && valid * 10 >= filled.len() * 9).then(|| ByContents {
                header: headers.get(column).cloned().unwrap_or_default(),
                column,
                valid,
                filled: filled.len(),
            })
        })
}

/// Parts of folded header names that suggest a field.
const HINTS: [(Field, &[&str]); 7] = [
    (Field::OrgNr, &["orgnr", "organisationsn", "orgnummer"]),
    (
        Field::Orderer,
        &["referens", "erref", "attest", "bestall", "handlaggare", "orderer"],
    ),
    (Field::Unit, &["ansvar", "enhet", "kostnadsstalle", "sektion"]),
    (Field::Agreement, &["avtal"]),
    (Field::Account, &["konto"]),
    (Field::Id, &["verifikation", "vernr", "fakturanr", "fakturanummer"]),
    (Field::Currency, &["valuta"]),
];

/// The columns with a header that map no field (nor are the unit-name
/// column `unit_name`), each with the field its header suggests (only
/// fields the file does not map).
pub(crate) fn unread(headers: &[String], columns: &[Option<usize>; N_FIELDS], unit_name: Option<usize>) -> Vec<Unread> {
    headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !h.trim().is_empty() && !columns.contains(&Some(*i)) && unit_name != Some(*i))
        .map(|(_, h)| {
            let folded = parse::fold_header(h);
            let hinted = HINTS
                .iter()
                .find(|(_, parts)| parts.iter().any(|p| folded.contains(p)))
                .map(|(f, _)| *f);
            let free = hinted.filter(|f| columns[f.index()].is_none());
            Unread {
                header: h.trim().to_string(),
                field: free,
                unit_name: hinted == Some(Field::Unit) && free.is_none(),
            }
        })
        .collect()
}

/// The `[columns]` line mapping `header` to `field`.
pub fn columns_line(field: Field, header: &str) -> String {
    line(field.key(), header)
}

/// The `[columns]` line naming `header` the unit-name column.
pub fn unit_name_line(header: &str) -> String {
    line(super::UNIT_NAME_KEY, header)
}

fn line(key: &str, header: &str) -> String {
    let name = header.replace('\\', "\\\\").replace('"', "\\\"");
    format!("{key} = [\"{name}\"]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn record(v: &[&str]) -> Vec<Cell<'static>> {
        v.iter()
            .map(|s| {
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(Cow::Owned(s.to_string()))
                }
            })
            .collect()
    }

    #[test]
    fn the_first_column_of_nine_in_ten_valid_org_numbers_is_taken() {
        let headers = strings(&["Datum", "Lev.nr", "Lev.orgnr", "Kund-id", "Belopp"]);
        let mut columns = [None; N_FIELDS];
        columns[Field::Date.index()] = Some(0);
        columns[Field::Amount.index()] = Some(4);
        // Column 1 holds internal numbers; column 2: 9 valid of 10 filled
        // (one empty cell not counted) = 90 %, taken; column 3 is all
        // valid but comes later.
        let mut records = Vec::new();
        for _ in 0..9 {
            records.push(record(&["2024-01-01", "10023", "556036-0793", "5560360793", "10"]));
        }
        records.push(record(&["2024-01-01", "10024", "123", "5560360793", "10"]));
        records.push(record(&["2024-01-01", "10025", "", "5560360793", "10"]));
        let found = org_nr_column(&headers, &columns, &records).expect("found");
        assert_eq!((found.column, found.valid, found.filled), (2, 9, 10));
        assert_eq!(found.header, "Lev.orgnr");
        // 8 of 10 (80 %) is not enough: column 3 is taken.
        records[0] = record(&["2024-01-01", "10023", "1", "5560360793", "10"]);
        let found = org_nr_column(&headers, &columns, &records).expect("found");
        assert_eq!(found.column, 3);
        // An attestant's personal identity numbers are not taken.
        let headers = strings(&["Datum", "Attestant pnr", "Belopp"]);
        let mut columns = [None; N_FIELDS];
        columns[Field::Date.index()] = Some(0);
        columns[Field::Amount.index()] = Some(2);
        let records = vec![record(&["2024-01-01", "556036-0793", "10"])];
        assert_eq!(org_nr_column(&headers, &columns, &records), None);
    }

    #[test]
    fn unread_columns_suggest_only_fields_the_file_lacks() {
        let headers = strings(&["Datum", "Ansvar", "Ansvar (T)", "Referens", "Attestant", "Text", ""]);
        let mut columns = [None; N_FIELDS];
        columns[Field::Date.index()] = Some(0);
        columns[Field::Unit.index()] = Some(1);
        let found = unread(&headers, &columns, None);
        let got: Vec<(&str, Option<Field>, bool)> = found
            .iter()
            .map(|u| (u.header.as_str(), u.field, u.unit_name))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Ansvar (T)", None, true),
                ("Referens", Some(Field::Orderer), false),
                ("Attestant", Some(Field::Orderer), false),
                ("Text", None, false),
            ]
        );
        assert_eq!(
            columns_line(Field::Orderer, "Er \"ref\""),
            "orderer = [\"Er \\\"ref\\\"\"]"
        );
        assert_eq!(unit_name_line("Ansvar 2"), "unit_name = [\"Ansvar 2\"]");
        // The unit-name column (here column 2) is read: not listed.
        let found = unread(&headers, &columns, Some(2));
        assert!(found.iter().all(|u| u.header != "Ansvar (T)"));
        assert_eq!(found.len(), 3);
    }
}
