//! The orderer of every row, held the cheaper of two ways. While its
//! values repeat (a few orderers per unit), the orderer is interned like
//! the other text fields and takes part in the buyer's combination
//! ([`super::buyers`]). Once it turns out nearly unique per row (a
//! reference with a purchase-order number in *Er referens*), its text is
//! not held at all: each row keeps 63 bits of the text's hash (8 bytes, a
//! key that groups and compares rows) and the text is read again from the
//! file when a report shows it ([`super::recall`]). Interning ten million
//! nearly unique texts would cost a table as big as the rows (a cache
//! miss a row) and about 35 bytes a row.
//!
//! Rows whose text cannot be read again (a workbook's, and the rows read
//! before the column was judged) keep their text in the run's strings,
//! found by their key ([`Orderers::kept`]).

use super::strings::{Strings, Sym};
use std::collections::HashMap;

/// An orderer as a key: the interned text, or 63 bits of the text's hash
/// when the column is held by hash. Within a run all orderers are held
/// the same way, so equal keys mean equal texts (for hashes: but for a
/// collision of 63 bits, about one in 2,000 runs of 100 million distinct
/// texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Who(u64);

const INTERNED: u64 = 1 << 63;

impl Who {
    /// An interned text's key.
    pub fn of_sym(sym: Sym) -> Who {
        Who(INTERNED | u64::from(sym))
    }

    /// The key of a text held by hash.
    pub(crate) fn of_text(text: &str) -> Who {
        Who(hash63(text))
    }

    /// The interned text's symbol, when interned.
    pub fn sym(self) -> Option<Sym> {
        (self.0 & INTERNED != 0).then_some(self.0 as Sym)
    }

    /// The order of ties in ranked lists: the interned symbol (the order
    /// texts were first met in), or `row` (a row it was first read at)
    /// when held by hash.
    pub fn tie_order(self, row: u32) -> u64 {
        self.sym().map_or(u64::from(row), u64::from)
    }

    pub(crate) fn key(self) -> u64 {
        self.0
    }

    pub(crate) fn from_key(key: u64) -> Who {
        Who(key)
    }
}

/// 63 bits of a text's hash (of good quality: ten million keys seldom
/// share one).
fn hash63(text: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::default().hash_one(text) & !INTERNED
}

/// Rows between two kept record positions ([`Orderers::anchors`]): a text
/// is read again from the nearest position before its row, at most this
/// many records on.
pub(crate) const ANCHOR_EVERY: usize = 16;

/// The orderer column when held by hash (see the module's text).
#[derive(Debug, Default)]
pub(crate) struct Orderers {
    /// The key of every row; empty while the orderer is interned.
    pub(crate) keys: Vec<u64>,
    /// Whether the orderer is held by hash.
    pub(crate) hashed: bool,
    /// The texts of keys that cannot be read again from a file, by key.
    pub(crate) kept: HashMap<u64, Sym, foldhash::fast::FixedState>,
    /// Where in its file the record of every [`ANCHOR_EVERY`]th row (and
    /// of each chunk's first) starts: (row, byte offset).
    pub(crate) anchors: Vec<(u32, u64)>,
}

impl Orderers {
    /// Keeps the text of interned `sym` under its key, for rows whose text
    /// cannot be read again; returns the key.
    pub(crate) fn keep(&mut self, strings: &Strings, sym: Sym) -> u64 {
        let key = hash63(strings.get(sym));
        self.kept.entry(key).or_insert(sym);
        key
    }

    /// Row `row`'s record starts at `at` in its file (chunk-relative while
    /// a chunk is read): kept when the last kept is [`ANCHOR_EVERY`] rows
    /// back (or none is).
    pub(crate) fn note_position(&mut self, row: usize, at: u64) {
        if self
            .anchors
            .last()
            .is_none_or(|&(r, _)| row >= r as usize + ANCHOR_EVERY)
        {
            self.anchors.push((row as u32, at));
        }
    }

    /// The kept position nearest before row `i`: (row, offset).
    pub(crate) fn anchor_before(&self, i: usize) -> Option<(usize, u64)> {
        let k = self.anchors.partition_point(|&(r, _)| r as usize <= i).checked_sub(1)?;
        self.anchors.get(k).map(|&(r, at)| (r as usize, at))
    }

    /// Drops the rows from `rows` on.
    pub(crate) fn truncate(&mut self, rows: usize) {
        self.keys.truncate(rows);
        let keep = self.anchors.partition_point(|&(r, _)| (r as usize) < rows);
        self.anchors.truncate(keep);
    }

    pub(crate) fn clear(&mut self) {
        self.keys.clear();
        self.hashed = false;
        self.kept.clear();
        self.anchors.clear();
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.keys.capacity() * 8 + self.kept.capacity() * 13 + self.anchors.capacity() * 16
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.keys.shrink_to_fit();
        self.kept.shrink_to_fit();
        self.anchors.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_texts_and_symbols_never_meet() {
        let a = Who::of_text("Beställare 1 PO-1");
        assert_eq!(a, Who::of_text("Beställare 1 PO-1"));
        assert_ne!(a, Who::of_text("Beställare 1 PO-2"));
        assert_eq!(a.sym(), None);
        assert_eq!(Who::of_sym(7).sym(), Some(7));
        assert_ne!(Who::of_sym(7), Who(7));
    }

    #[test]
    fn a_position_is_kept_every_sixteen_rows_from_the_first() {
        let mut o = Orderers::default();
        for row in 3..40 {
            o.note_position(row, 100 * row as u64);
        }
        assert_eq!(o.anchors, vec![(3, 300), (19, 1900), (35, 3500)]);
        assert_eq!(o.anchor_before(2), None);
        assert_eq!(o.anchor_before(18), Some((3, 300)));
        assert_eq!(o.anchor_before(36), Some((35, 3500)));
        o.truncate(35);
        assert_eq!(o.anchor_before(36), Some((19, 1900)));
    }
}
