//! Finding columns by their header names, the one implementation shared by
//! exports and the register: headers are compared folded (see
//! [`crate::parse::fold_header`]), earlier names winning, and each column
//! is taken by one field at most.

use crate::parse;

/// The column of each field in `headers`, fields in the order of `names`
/// (each a list of folded names, earlier ones winning).
pub fn map_columns(names: &[Vec<String>], headers: &[String]) -> Vec<Option<usize>> {
    let folded: Vec<String> = headers.iter().map(|h| parse::fold_header(h)).collect();
    let mut taken = vec![false; folded.len()];
    let mut columns = vec![None; names.len()];
    for (field, list) in names.iter().enumerate() {
        'names: for name in list {
            for (i, h) in folded.iter().enumerate() {
                if !taken[i] && h == name {
                    columns[field] = Some(i);
                    taken[i] = true;
                    break 'names;
                }
            }
        }
    }
    columns
}

/// How many records at the top of a file may hold the header row.
pub const HEADER_RECORDS: usize = 50;

/// What one record showed the search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Look {
    /// The header row: every required field found; the column of each.
    Header(Vec<Option<usize>>),
    /// Not the header; the columns it would map.
    NotYet(Vec<Option<usize>>),
    /// Past the first [`HEADER_RECORDS`] records: there is none.
    GaveUp,
}

/// The search for a header row, the same for exports, registers and
/// organisation files: the first of the first 50 records in which every
/// required field's name is found.
#[derive(Debug)]
pub struct HeaderSearch<'n> {
    names: &'n [Vec<String>],
    required: &'n [usize],
    seen: usize,
    /// The first non-empty record's texts, for messages.
    pub first_texts: Vec<String>,
}

impl<'n> HeaderSearch<'n> {
    /// `names`: folded names per field; `required`: indices into `names`.
    pub fn new(names: &'n [Vec<String>], required: &'n [usize]) -> Self {
        HeaderSearch {
            names,
            required,
            seen: 0,
            first_texts: Vec::new(),
        }
    }

    /// Looks at the next record.
    pub fn look(&mut self, texts: &[String]) -> Look {
        self.seen += 1;
        if self.seen > HEADER_RECORDS {
            return Look::GaveUp;
        }
        if self.first_texts.is_empty() && texts.iter().any(|t| !t.is_empty()) {
            self.first_texts = texts.to_vec();
        }
        let columns = map_columns(self.names, texts);
        if self
            .required
            .iter()
            .all(|&r| columns.get(r).copied().flatten().is_some())
        {
            Look::Header(columns)
        } else {
            Look::NotYet(columns)
        }
    }
}

/// Folds a list of header names.
pub fn folded(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| parse::fold_header(n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_names_win_and_columns_are_taken_once() {
        let names = vec![folded(&["Avtal", "id"]), folded(&["id"])];
        let headers: Vec<String> = ["id", "Avtal"].iter().map(|s| s.to_string()).collect();
        assert_eq!(map_columns(&names, &headers), vec![Some(1), Some(0)]);
    }
}
