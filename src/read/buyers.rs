//! The buyer's text fields of every row (unit, orderer, order), held the
//! cheaper of two ways: as an interned combination per row (4 bytes a row,
//! each distinct combination once) while the combinations repeat, as in
//! an export with a few orderers per unit; or as the three symbols per row
//! (12 bytes) once the combinations turn out nearly unique, as when the
//! orderer holds a reference or purchase-order number: then a table of
//! combinations as big as the rows would cost more than it saves.

use super::rows::Combos;
use super::strings::Sym;

/// Rows after which the combinations are judged: more than one distinct
/// combination in two rows (a combination costs 17 bytes and its rows 4
/// each; three symbols 12 a row) and the rows go loose.
const JUDGED_AFTER: usize = 4096;

/// Whether `rows` rows with `combos` combinations are held cheaper loose.
fn nearly_unique(rows: usize, combos: usize) -> bool {
    rows >= JUDGED_AFTER && combos > rows / 2
}

/// The buyer columns (see the module's text).
#[derive(Debug)]
pub(crate) enum Buyers {
    Combined {
        ids: Vec<u32>,
        combos: Combos<3>,
        /// The rows room was asked for: made only once the rows are
        /// judged, so that rows going loose free no large column.
        wanted: usize,
    },
    Loose(Vec<[Sym; 3]>),
}

impl Default for Buyers {
    fn default() -> Self {
        Buyers::Combined {
            ids: Vec::new(),
            combos: Combos::default(),
            wanted: 0,
        }
    }
}

impl Buyers {
    pub(crate) fn len(&self) -> usize {
        match self {
            Buyers::Combined { ids, .. } => ids.len(),
            Buyers::Loose(v) => v.len(),
        }
    }

    /// Row `i`'s unit, orderer and order (empty past the end).
    pub(crate) fn get(&self, i: usize) -> [Sym; 3] {
        match self {
            Buyers::Combined { ids, combos, .. } => ids.get(i).map_or([0; 3], |&c| combos.get(c)),
            Buyers::Loose(v) => v.get(i).copied().unwrap_or_default(),
        }
    }

    pub(crate) fn push(&mut self, b: [Sym; 3]) {
        match self {
            Buyers::Combined { ids, combos, .. } => {
                ids.push(combos.intern(b));
                if ids.len() == JUDGED_AFTER {
                    self.judge();
                }
            }
            Buyers::Loose(v) => v.push(b),
        }
    }

    /// Loose when nearly unique, else the room asked for.
    fn judge(&mut self) {
        if let Buyers::Combined { ids, combos, wanted } = self {
            if nearly_unique(ids.len(), combos.len()) {
                self.loosen();
            } else if ids.len() >= JUDGED_AFTER && ids.capacity() < *wanted {
                ids.reserve_exact(*wanted - ids.len());
            }
        }
    }

    /// From combinations to symbols per row.
    fn loosen(&mut self) {
        if let Buyers::Combined { ids, combos, wanted } = self {
            let mut loose = Vec::with_capacity((*wanted).max(ids.capacity()));
            loose.extend(ids.iter().map(|&c| combos.get(c)));
            *self = Buyers::Loose(loose);
        }
    }

    /// Appends another's rows, their symbols translated by `remap` (room
    /// made by the caller).
    pub(crate) fn append(&mut self, other: &Buyers, remap: &[Sym]) {
        let sym = |s: Sym| remap.get(s as usize).copied().unwrap_or(0);
        match (&mut *self, other) {
            (Buyers::Combined { ids, combos, .. }, Buyers::Combined { ids: o, combos: oc, .. }) => {
                let to = combos.remap(oc, remap);
                ids.extend(o.iter().map(|&c| to.get(c as usize).copied().unwrap_or(0)));
            }
            (Buyers::Loose(v), _) => v.extend((0..other.len()).map(|i| other.get(i).map(sym))),
            (Buyers::Combined { ids, combos, .. }, Buyers::Loose(o)) => {
                // A part judged on its own rows: the whole is judged on all.
                ids.extend(o.iter().map(|b| combos.intern(b.map(sym))));
            }
        }
        self.judge();
    }

    /// Room for `more` rows (exactly: the caller decides how much); while
    /// the rows are not judged yet, only for those that will judge them.
    pub(crate) fn reserve(&mut self, more: usize) {
        match self {
            Buyers::Combined { ids, wanted, .. } => {
                *wanted = ids.len() + more;
                if ids.len() >= JUDGED_AFTER {
                    ids.reserve_exact(more);
                } else {
                    ids.reserve_exact(more.min(JUDGED_AFTER - ids.len()));
                }
            }
            Buyers::Loose(v) => v.reserve_exact(more),
        }
    }

    pub(crate) fn truncate(&mut self, rows: usize) {
        match self {
            Buyers::Combined { ids, .. } => ids.truncate(rows),
            Buyers::Loose(v) => v.truncate(rows),
        }
    }

    /// Forgets every row and combination, keeping the memory, and goes
    /// back to combinations.
    pub(crate) fn clear(&mut self) {
        match self {
            Buyers::Combined { ids, combos, .. } => {
                ids.clear();
                combos.clear();
            }
            Buyers::Loose(v) => {
                let capacity = v.capacity();
                *self = Buyers::default();
                if let Buyers::Combined { ids, .. } = self {
                    ids.reserve_exact(capacity);
                }
            }
        }
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        match self {
            Buyers::Combined { ids, combos, .. } => {
                ids.shrink_to_fit();
                combos.shrink_to_fit();
            }
            Buyers::Loose(v) => v.shrink_to_fit(),
        }
    }

    /// The bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        match self {
            Buyers::Combined { ids, combos, .. } => ids.capacity() * 4 + combos.heap_bytes(),
            Buyers::Loose(v) => v.capacity() * 12,
        }
    }

    /// The distinct combinations held (none once loose).
    pub(crate) fn combinations(&self) -> usize {
        match self {
            Buyers::Combined { combos, .. } => combos.len(),
            Buyers::Loose(_) => 0,
        }
    }

    /// Bytes a row takes: 4 while combined, 12 once loose.
    pub(crate) fn bytes_per_row(&self) -> usize {
        match self {
            Buyers::Combined { .. } => 4,
            Buyers::Loose(_) => 12,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_buyers_stay_combined_and_unique_ones_go_loose() {
        let (mut few, mut unique) = (Buyers::default(), Buyers::default());
        let n = 3 * JUDGED_AFTER as u32;
        for i in 0..n {
            few.push([i % 100, i % 7, 0]);
            unique.push([i % 100, i, 0]);
        }
        // 100 units × 7 orderers repeat: 700 combinations, 4 bytes a row.
        assert_eq!((few.combinations(), few.bytes_per_row()), (700, 4));
        // One orderer a row: symbols per row from the 4 096th row on.
        assert_eq!((unique.combinations(), unique.bytes_per_row()), (0, 12));
        assert_eq!(few.get(301), [1, 0, 0]);
        assert_eq!(unique.get(10_001), [1, 10_001, 0]);
        assert_eq!(unique.get(1 << 20), [0; 3]);
        // Appending translates the symbols either way; the whole is
        // judged on all its rows.
        let remap: Vec<Sym> = (0..n).map(|s| s + 1).collect();
        let mut run = Buyers::default();
        run.push([5, 5, 5]);
        run.append(&few, &remap);
        assert_eq!(run.bytes_per_row(), 4);
        assert_eq!(run.get(1 + 301), [2, 1, 1]);
        run.append(&unique, &remap);
        // 1 + 700 + 12 288 combinations in 24 577 rows: over one in two.
        assert_eq!(run.bytes_per_row(), 12);
        assert_eq!(run.len(), 1 + 2 * n as usize);
        assert_eq!(run.get(0), [5, 5, 5]);
        assert_eq!(run.get(1 + n as usize + 10_001), [2, 10_002, 1]);
        // A loose part into combined rows: interned there.
        let mut combined = Buyers::default();
        combined.push([1, 1, 1]);
        let mut loose = Buyers::Loose(vec![[0, 0, 0], [1, 2, 3]]);
        combined.append(&loose, &remap);
        // [0, 0, 0] becomes [1, 1, 1], the combination already there.
        assert_eq!((combined.bytes_per_row(), combined.combinations()), (4, 2));
        assert_eq!(combined.get(1), [1, 1, 1]);
        assert_eq!(combined.get(2), [2, 3, 4]);
        loose.clear();
        assert_eq!((loose.len(), loose.bytes_per_row()), (0, 4));
        run.truncate(1);
        assert_eq!(run.len(), 1);
        run.clear();
        assert_eq!((run.len(), run.bytes_per_row()), (0, 4));
    }
}
