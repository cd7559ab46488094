//! Columns of values that nearly always fit in fewer bytes: each value is
//! held small, any other kept beside by row (16 bytes). An amount (fixed
//! point, [`crate::parse::AMOUNT_SCALE`]) is nearly always whole öre within
//! ±21 million kronor: 4 bytes as öre. A date (days since 1970) nearly
//! always falls from 1900 to 2079: 2 bytes as days since 1900. A 100M-row
//! export then holds 600 MB less.

use crate::parse::AMOUNT_SCALE;

/// A value with a smaller form, and one small value that marks a value
/// kept beside.
pub(crate) trait Pack: Copy {
    type Small: Copy + PartialEq;
    /// Marks a row whose value is kept beside.
    const BESIDE: Self::Small;
    /// The small form, when there is one (never [`Pack::BESIDE`]).
    fn pack(self) -> Option<Self::Small>;
    fn unpack(small: Self::Small) -> Self;
}

/// Fixed-point units in one öre.
const ORE: i64 = AMOUNT_SCALE / 100;

/// An amount, held as öre.
impl Pack for i64 {
    type Small = i32;
    const BESIDE: i32 = i32::MIN;

    fn pack(self) -> Option<i32> {
        (self % ORE == 0)
            .then(|| i32::try_from(self / ORE).ok())
            .flatten()
            .filter(|&o| o != Self::BESIDE)
    }

    fn unpack(ore: i32) -> i64 {
        i64::from(ore) * ORE
    }
}

/// 1900-01-01 in days since 1970-01-01.
const DAY_1900: i32 = -25_567;

/// A date in days since 1970, held as days since 1900.
impl Pack for i32 {
    type Small = u16;
    const BESIDE: u16 = u16::MAX;

    fn pack(self) -> Option<u16> {
        u16::try_from(i64::from(self) - i64::from(DAY_1900))
            .ok()
            .filter(|&d| d != Self::BESIDE)
    }

    fn unpack(days: u16) -> i32 {
        DAY_1900 + i32::from(days)
    }
}

/// A column of `T` (see the module's text).
#[derive(Debug)]
pub(crate) struct Packed<T: Pack> {
    small: Vec<T::Small>,
    /// The rows marked [`Pack::BESIDE`] and their values, in row order.
    beside: Vec<(u32, T)>,
}

impl<T: Pack> Default for Packed<T> {
    fn default() -> Self {
        Packed {
            small: Vec::new(),
            beside: Vec::new(),
        }
    }
}

impl<T: Pack> Packed<T> {
    pub(crate) fn push(&mut self, value: T) {
        match value.pack() {
            Some(s) => self.small.push(s),
            None => {
                self.beside.push((self.small.len() as u32, value));
                self.small.push(T::BESIDE);
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.small.len()
    }

    pub(crate) fn capacity(&self) -> usize {
        self.small.capacity()
    }

    pub(crate) fn get(&self, i: usize) -> Option<T> {
        self.small.get(i).and_then(|&s| self.value(i, s))
    }

    fn value(&self, i: usize, small: T::Small) -> Option<T> {
        if small != T::BESIDE {
            return Some(T::unpack(small));
        }
        let k = self.beside.binary_search_by_key(&(i as u32), |&(r, _)| r).ok()?;
        self.beside.get(k).map(|&(_, v)| v)
    }

    /// The values of the rows in `range` (none past the end).
    pub(crate) fn range(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = Option<T>> + '_ {
        let from = range.start;
        let small = self.small.get(range).unwrap_or(&[]);
        small.iter().enumerate().map(move |(k, &s)| self.value(from + k, s))
    }

    /// Appends another's rows.
    pub(crate) fn append(&mut self, other: &Packed<T>) {
        let base = self.small.len() as u32;
        self.small.extend_from_slice(&other.small);
        self.beside.extend(other.beside.iter().map(|&(r, v)| (r + base, v)));
    }

    pub(crate) fn truncate(&mut self, rows: usize) {
        self.small.truncate(rows);
        let keep = self.beside.partition_point(|&(r, _)| (r as usize) < rows);
        self.beside.truncate(keep);
    }

    pub(crate) fn reserve_exact(&mut self, more: usize) {
        self.small.reserve_exact(more);
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.small.shrink_to_fit();
        self.beside.shrink_to_fit();
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.small.capacity() * std::mem::size_of::<T::Small>() + self.beside.capacity() * 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn all<T: Pack>(p: &Packed<T>) -> Vec<T> {
        p.range(0..p.len()).flatten().collect()
    }

    #[test]
    fn whole_ore_is_held_in_four_bytes_the_rest_beside() {
        let mut a = Packed::<i64>::default();
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
        assert_eq!(all(&a), values);
        assert_eq!(a.get(3), Some(i64::from(i32::MAX) * ORE));
        assert_eq!(a.get(values.len()), None);
    }

    #[test]
    fn days_from_1900_to_2079_are_held_in_two_bytes_the_rest_beside() {
        let day = |y, m, d| crate::parse::date_to_days(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
        let mut p = Packed::<i32>::default();
        let values = [
            day(1900, 1, 1),
            day(2025, 7, 1),
            day(2079, 6, 5),
            day(2079, 6, 6),
            day(1899, 12, 31),
            day(9999, 12, 31),
            i32::MIN,
        ];
        for v in values {
            p.push(v);
        }
        assert_eq!(p.beside.len(), 4);
        assert_eq!(all(&p), values);
    }

    proptest! {
        /// Any values come back as pushed, after appending and truncating
        /// too.
        #[test]
        fn values_come_back_as_pushed(
            first in proptest::collection::vec(prop_oneof![any::<i64>(), (-10_000_000i64..10_000_000).prop_map(|o| o * ORE)], 0..60),
            second in proptest::collection::vec(any::<i64>(), 0..60),
            days in proptest::collection::vec(prop_oneof![any::<i32>(), -25_567i32..40_000], 0..60),
            cut in 0usize..130,
        ) {
            let (mut a, mut b) = (Packed::<i64>::default(), Packed::<i64>::default());
            first.iter().for_each(|&v| a.push(v));
            second.iter().for_each(|&v| b.push(v));
            a.append(&b);
            let every: Vec<i64> = first.iter().chain(&second).copied().collect();
            prop_assert_eq!(all(&a), every.clone());
            let cut = cut.min(every.len());
            a.truncate(cut);
            a.push(7);
            let mut kept = every[..cut].to_vec();
            kept.push(7);
            prop_assert_eq!(all(&a), kept);
            let mut d = Packed::<i32>::default();
            days.iter().for_each(|&v| d.push(v));
            prop_assert_eq!(all(&d), days);
        }
    }
}
