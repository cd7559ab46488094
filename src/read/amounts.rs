//! The amount of every row (fixed point, [`crate::parse::AMOUNT_SCALE`]):
//! an invoice line's amount is nearly always whole öre within ±21 million
//! kronor, held in 4 bytes as öre; any other amount is kept beside, by
//! row. A 100M-row export then holds 400 MB less.

use crate::parse::AMOUNT_SCALE;

/// Fixed-point units in one öre.
const ORE: i64 = AMOUNT_SCALE / 100;

/// Marks a row whose amount is kept beside.
const BESIDE: i32 = i32::MIN;

/// The amounts (see the module's text).
#[derive(Debug, Default)]
pub(crate) struct Amounts {
    ore: Vec<i32>,
    /// The rows marked [`BESIDE`] and their amounts, in row order.
    beside: Vec<(u32, i64)>,
}

impl Amounts {
    pub(crate) fn push(&mut self, amount: i64) {
        let ore = (amount % ORE == 0)
            .then(|| i32::try_from(amount / ORE).ok())
            .flatten()
            .filter(|&o| o != BESIDE);
        match ore {
            Some(o) => self.ore.push(o),
            None => {
                self.beside.push((self.ore.len() as u32, amount));
                self.ore.push(BESIDE);
            }
        }
    }

    pub(crate) fn get(&self, i: usize) -> Option<i64> {
        self.ore.get(i).map(|&o| self.value(i, o))
    }

    fn value(&self, i: usize, ore: i32) -> i64 {
        if ore != BESIDE {
            return i64::from(ore) * ORE;
        }
        let k = self.beside.binary_search_by_key(&(i as u32), |&(r, _)| r);
        k.ok().and_then(|k| self.beside.get(k)).map_or(0, |&(_, a)| a)
    }

    /// The amounts of the rows in `range` (none past the end).
    pub(crate) fn range(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = i64> + '_ {
        let from = range.start;
        let ore = self.ore.get(range).unwrap_or(&[]);
        ore.iter().enumerate().map(move |(k, &o)| self.value(from + k, o))
    }

    /// Appends another's rows.
    pub(crate) fn append(&mut self, other: &Amounts) {
        let base = self.ore.len() as u32;
        self.ore.extend_from_slice(&other.ore);
        self.beside.extend(other.beside.iter().map(|&(r, a)| (r + base, a)));
    }

    pub(crate) fn truncate(&mut self, rows: usize) {
        self.ore.truncate(rows);
        let keep = self.beside.partition_point(|&(r, _)| (r as usize) < rows);
        self.beside.truncate(keep);
    }

    pub(crate) fn reserve_exact(&mut self, more: usize) {
        self.ore.reserve_exact(more);
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.ore.shrink_to_fit();
        self.beside.shrink_to_fit();
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.ore.capacity() * 4 + self.beside.capacity() * 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn whole_ore_is_held_in_four_bytes_the_rest_beside() {
        let mut a = Amounts::default();
        let values = [
            0,
            125_000,
            -99,
            i64::from(i32::MAX) * ORE,
            i64::from(i32::MIN) * ORE,
            i64::MAX,
            i64::MIN,
            1,
            -5 * ORE,
        ];
        for v in values {
            a.push(v);
        }
        assert_eq!(a.beside.len(), 5);
        assert_eq!(a.range(0..values.len()).collect::<Vec<_>>(), values);
        assert_eq!(a.get(3), Some(i64::from(i32::MAX) * ORE));
        assert_eq!(a.get(values.len()), None);
    }

    proptest! {
        /// Any amounts come back as pushed, after appending and
        /// truncating too.
        #[test]
        fn amounts_come_back_as_pushed(
            first in proptest::collection::vec(prop_oneof![any::<i64>(), (-10_000_000i64..10_000_000).prop_map(|o| o * ORE)], 0..60),
            second in proptest::collection::vec(any::<i64>(), 0..60),
            cut in 0usize..130,
        ) {
            let (mut a, mut b) = (Amounts::default(), Amounts::default());
            first.iter().for_each(|&v| a.push(v));
            second.iter().for_each(|&v| b.push(v));
            a.append(&b);
            let all: Vec<i64> = first.iter().chain(&second).copied().collect();
            prop_assert_eq!(a.range(0..all.len()).collect::<Vec<_>>(), all.clone());
            let cut = cut.min(all.len());
            a.truncate(cut);
            a.push(7);
            let mut kept = all[..cut].to_vec();
            kept.push(7);
            prop_assert_eq!(a.range(0..kept.len()).collect::<Vec<_>>(), kept);
        }
    }
}
