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
